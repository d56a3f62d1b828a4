import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { gamePrefixMiddleware } from './common/http/game-prefix.middleware.js';
import { requestIdMiddleware } from './common/http/request-id.middleware.js';
import { AppConfig } from './infra/config/app-config.js';
import { HiveWsAdapter } from './realtime/hive-ws.adapter.js';

/** Everything main.ts and the e2e tests both apply to the app beyond its modules. */
export function configureApp(app: INestApplication): INestApplication {
  app.use(requestIdMiddleware);
  app.use(gamePrefixMiddleware(app.get(AppConfig).settings.gameClientIds));
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
  app.enableShutdownHooks();
  return app;
}
