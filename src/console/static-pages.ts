import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * The folder of the web pages: `public/` beside package.json. Found by walking up from this file,
 * so the same code serves it from `src/` (tests) and from the compiled `dist/src/` (`npm start`)
 * without copying anything at build time.
 */
export function publicFolder(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'public'))) return join(dir, 'public');
    if (dirname(dir) === dir) throw new Error(`no public/ folder beside a package.json above ${from}`);
  }
}

/**
 * Plain files, no build step: every response is revalidated (`no-cache` with an ETag), so a new
 * version is picked up at once and an unchanged file costs a 304. The pages load nothing from
 * elsewhere (the policy says so to the browser) and talk only to this origin.
 */
function setHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
}

/**
 * `/console` (operators), `/demo` (a small game client) and their shared `/assets` as static files
 * (docs/console.md). GET and HEAD only; anything else, and any file that does not exist, falls
 * through to the service's own 404/405 answers.
 */
export function serveStaticPages(app: NestExpressApplication, root = publicFolder()): void {
  for (const folder of ['console', 'demo', 'assets']) {
    app.useStaticAssets(join(root, folder), {
      prefix: `/${folder}`,
      etag: true,
      lastModified: false,
      index: 'index.html',
      redirect: true,
      fallthrough: true,
      setHeaders,
    });
  }
}
