/**
 * Imported first by a test that reads what the functions emit: the environment the stack gives
 * them (infra/constructs/kawaraban-function.ts), set before the logger and the metrics are built.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.KAWARABAN_METRICS_SERVICE = 'KawarabanTestService';
process.env.POWERTOOLS_SERVICE_NAME = 'kawaraban-api';
// Lambda says how this instance started; Powertools reports a cold start only for 'on-demand'.
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
