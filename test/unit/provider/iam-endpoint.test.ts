import { describe, expect, it } from 'vitest';
import { DEFAULT_IAM_ENDPOINT, defaultIamEndpoint } from '../../../src/clouds/ibm-vpc/open.js';

describe('the IAM endpoint when imageform.yaml names none', () => {
  it.each(['http://127.0.0.1:8080', 'http://localhost:9000', 'http://[::1]:7000'])(
    'is the API itself on this machine: %s',
    (url) => {
      expect(defaultIamEndpoint(url)).toBe(url);
    },
  );

  it.each(['https://us-south.iaas.cloud.ibm.com', 'https://eu-de.private.iaas.cloud.ibm.com', 'http://10.0.0.5:8080'])(
    "is IBM's token service for %s",
    (url) => expect(defaultIamEndpoint(url)).toBe(DEFAULT_IAM_ENDPOINT),
  );
});
