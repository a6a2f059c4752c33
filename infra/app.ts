/**
 * CDK entry point (`npx cdk deploy --all`, `npm run synth`). Configuration comes from CDK
 * context; a missing or invalid value stops here with one message listing every problem.
 */
import { App } from 'aws-cdk-lib';
import { DeployConfigError } from './config.ts';
import { buildKawaraban } from './kawaraban.ts';

const app = new App();
try {
  const { config } = buildKawaraban(app, { nag: true });
  if (app.node.tryGetContext('kawaraban:exampleValues') === true) {
    console.warn(
      `kawaraban: cdk.json marks its context as EXAMPLE values (domain ${config.domain}); fine for synth. ` +
        'Before deploying pass your own with -c key=value (or edit cdk.json and remove "kawaraban:exampleValues").',
    );
  }
} catch (err) {
  if (err instanceof DeployConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
app.synth();
