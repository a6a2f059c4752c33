/** The CloudWatch namespace of kawaraban's metrics: the functions write there, the CDK stack reads there. */
export const METRICS_NAMESPACE = 'Kawaraban';
