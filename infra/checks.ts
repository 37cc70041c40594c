// cdk-nag's AwsSolutions rules, run on every synthesis (`cdk synth`, `npm run synth`, and the
// infra tests): a finding fails synthesis unless the construct carries an acknowledgement
// (`Validations.of(construct).acknowledge({ id, reason })`) beside the code it is about, with
// the reason it does not apply here. The findings and reasons are in README.md, Deploying.
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export function withAwsSolutionsChecks(app: App): App {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}
