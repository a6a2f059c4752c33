import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger for every function, named after it: the stack sets
 * POWERTOOLS_SERVICE_NAME per function (kawaraban-api, kawaraban-dispatch, …); the handlers add
 * the Lambda context (functions/adapters/telemetry.ts). Never log an email address, a token or a
 * full link: log the subscriber id, the report id and counts instead.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'kawaraban' });
