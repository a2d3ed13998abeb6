import { createHash, randomUUID } from 'node:crypto';
import { ApiError } from './errors.js';
import { signJwt, verifyJwt } from './jwt.js';

/**
 * The emulated IAM token service. Tokens are judged by real wall time, not the cloud's clock: IBM's SDK core
 * schedules refreshes from `iat`/`exp` against the client machine's clock, and moving the cloud's clock forward
 * (to make a deprecation happen) must not log every client out.
 */
export class IamService {
  private readonly secret: Buffer;

  constructor(
    private readonly apiKey: string,
    private readonly tokenTtlSeconds: number,
    private readonly accountId: string,
  ) {
    // Derived from the key, so tokens stay valid across a restart that keeps the same key.
    this.secret = createHash('sha256').update(`imageform-emulator-jwt:${apiKey}`).digest();
  }

  /** Answers POST /identity/token: [status, body]. */
  exchange(form: URLSearchParams, requestUrl: string): [number, unknown] {
    const grantType = form.get('grant_type');
    if (grantType !== 'urn:ibm:params:oauth:grant-type:apikey') {
      return [
        400,
        iamError(
          'BXNIM0109E',
          `Property missing or empty. Operation not supported for grant_type '${grantType ?? ''}'.`,
          requestUrl,
        ),
      ];
    }
    const apiKey = form.get('apikey');
    if (!apiKey) return [400, iamError('BXNIM0415E', 'Provided API key could not be found.', requestUrl)];
    if (apiKey !== this.apiKey)
      return [400, iamError('BXNIM0415E', 'Provided API key could not be found.', requestUrl)];
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiration = issuedAt + this.tokenTtlSeconds;
    const accessToken = signJwt(
      {
        iam_id: 'iam-ServiceId-imageform-emulator',
        id: 'iam-ServiceId-imageform-emulator',
        realmid: 'iam',
        jti: randomUUID(),
        sub: 'ServiceId-imageform-emulator',
        sub_type: 'ServiceId',
        account: { bss: this.accountId, valid: true },
        iat: issuedAt,
        exp: expiration,
        iss: 'https://iam.cloud.ibm.com/identity',
        grant_type: grantType,
        scope: 'ibm openid',
        client_id: 'default',
      },
      this.secret,
    );
    return [
      200,
      {
        access_token: accessToken,
        refresh_token: 'not_supported',
        token_type: 'Bearer',
        expires_in: this.tokenTtlSeconds,
        expiration,
        scope: 'ibm openid',
      },
    ];
  }

  /** Checks an Authorization header; throws a 401 ApiError when there is no live token. */
  authorize(header: string | undefined): void {
    if (!header)
      throw new ApiError(
        401,
        'token_missing',
        'The request does not contain an Authorization header with a bearer token',
        { name: 'Authorization', type: 'header' },
      );
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new ApiError(401, 'token_invalid', 'The Authorization header must be "Bearer <IAM access token>"', {
        name: 'Authorization',
        type: 'header',
      });
    const claims = verifyJwt(match[1]!, this.secret);
    if (!claims)
      throw new ApiError(401, 'token_invalid', 'The IAM access token is not valid', {
        name: 'Authorization',
        type: 'header',
      });
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    if (exp * 1000 <= Date.now())
      throw new ApiError(401, 'token_invalid', 'The IAM access token has expired', {
        name: 'Authorization',
        type: 'header',
      });
  }
}

function iamError(errorCode: string, errorMessage: string, url: string) {
  return {
    errorCode,
    errorMessage,
    context: {
      requestId: randomUUID(),
      requestType: 'incoming.Identity_Token',
      url,
      startTime: new Date().toUTCString(),
      locale: 'en_US',
    },
  };
}
