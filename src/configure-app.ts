import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { serveStaticPages } from './console/static-pages.js';
import { gamePrefixMiddleware } from './common/http/game-prefix.middleware.js';
import { MAX_BODY_BYTES, inputGuardMiddleware } from './common/http/input-guard.middleware.js';
import { requestIdMiddleware } from './common/http/request-id.middleware.js';
import { AppConfig } from './infra/config/app-config.js';
import { httpObserver } from './observability/http-observer.js';
import { requestLogContext } from './observability/logging/logger.js';
import { MetricsService } from './observability/metrics/metrics.service.js';
import { HiveWsAdapter } from './realtime/hive-ws.adapter.js';

/** Everything main.ts and the e2e tests both apply to the app beyond its modules. */
export function configureApp(app: INestApplication): INestApplication {
  const settings = app.get(AppConfig).settings;
  app.use(requestIdMiddleware);
  // One log line and the HTTP metrics per request, whoever answers it; then every line logged
  // while the request is handled carries its reqId (docs/operations.md#logs).
  app.use(httpObserver(app.get(MetricsService)));
  app.use(requestLogContext(settings.log));
  app.use(gamePrefixMiddleware(settings.gameClientIds));
  // The body parsers go first here (Nest would add them after these middlewares) so that the
  // input guard sees every parsed body before routing.
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: MAX_BODY_BYTES });
  express.useBodyParser('urlencoded', { limit: MAX_BODY_BYTES, extended: true });
  app.use(inputGuardMiddleware);
  // The operator console and the demo client: plain files under public/ (docs/console.md).
  serveStaticPages(express);
  // The WebSocket gateway at /ws speaks Hive packet framing (see src/realtime).
  app.useWebSocketAdapter(new HiveWsAdapter(app));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Partychat')
      .setDescription(
        'Parties (DynamicPixels Party Web API, player token) and chat channels (Hive Chat server API, server key). ' +
          'Realtime: WebSocket at /ws (see README).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  // On SIGTERM/SIGINT: the drain (docs/operations.md#shutdown), then exit 0.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  return app;
}
