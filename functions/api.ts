/**
 * The HTTP API Lambda (API Gateway HTTP API, payload 2.0): hosted subscribe page, subscribe,
 * confirm, unsubscribe (RFC 8058 one-click). Wiring only; the routes are in functions/http/.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { loadConfig } from './core/config.ts';
import { createHandler } from './http/app.ts';
import { builtConfirmationTemplates } from './http/confirmation-mail.ts';
import { appDeps } from './http/deps.ts';
import { withTelemetry } from './adapters/telemetry.ts';

const config = loadConfig();
const app = createHandler(appDeps(config, builtConfirmationTemplates(config)));

export const handler = withTelemetry(
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => app(event),
);
