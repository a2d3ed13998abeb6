interface CompiledRoute<T> {
  method: string;
  pattern: string;
  regex: RegExp;
  names: string[];
  value: T;
}

export type RouteMatch<T> =
  { pattern: string; params: Record<string, string>; value: T } | { pattern?: string; methodNotAllowed: boolean };

/**
 * Matches paths against `{param}` patterns; tells "no such path" apart from "path exists, wrong method". A route
 * whose method is `*` takes every method (its handler answers the ones it refuses in the cloud's words).
 */
export class Router<T> {
  private readonly routes: CompiledRoute<T>[] = [];

  add(method: string, pattern: string, value: T): void {
    const names: string[] = [];
    const source = pattern.replace(/\{(\w+)\}/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}$`), names, value });
  }

  match(method: string, path: string): RouteMatch<T> {
    let pathPattern: string | undefined;
    for (const route of this.routes) {
      const found = route.regex.exec(path);
      if (!found) continue;
      pathPattern ??= route.pattern;
      if (route.method !== method && route.method !== '*') continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => (params[name] = decodeURIComponent(found[index + 1]!)));
      return { pattern: route.pattern, params, value: route.value };
    }
    return { pattern: pathPattern, methodNotAllowed: pathPattern !== undefined };
  }
}
