import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger for every function. Never log an email address, a token or a full
 * link: log the subscriber id, the report id and counts instead.
 */
export const logger = new Logger({ serviceName: 'kawaraban' });
