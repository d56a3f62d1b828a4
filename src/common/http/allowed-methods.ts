/** The parts of an Express 5 router this module reads. */
interface RouterLayer {
  matchers?: ((path: string) => unknown)[];
  route?: { methods: Record<string, boolean> };
}

/**
 * The HTTP methods the application serves on `path` (upper case, HEAD and OPTIONS left out), read
 * from the Express router: a request whose path exists with other methods is answered 405, with
 * an `Allow` header, instead of 404.
 */
export function allowedMethods(expressApp: { router?: { stack?: RouterLayer[] } }, path: string): string[] {
  const methods = new Set<string>();
  for (const layer of expressApp.router?.stack ?? []) {
    if (!layer.route || !layer.matchers) continue;
    let matches = false;
    try {
      matches = layer.matchers.some((match) => Boolean(match(path)));
    } catch {
      // A malformed percent-escape in the path matches nothing.
    }
    if (!matches) continue;
    for (const [method, served] of Object.entries(layer.route.methods)) {
      if (served && method !== '_all' && method !== 'head' && method !== 'options') methods.add(method.toUpperCase());
    }
  }
  return [...methods].sort();
}
