import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { gatewayAlarms } from './constructs/alarms';
import { gatewayApi } from './constructs/api';
import { callers } from './constructs/callers';
import { dataStores } from './constructs/data-stores';
import { gatewayFunction } from './constructs/gateway-function';
import { lpaStoreUpdatedEvents } from './constructs/lpa-store-events';
import { grantEventBus, lpaStoreStatements } from './constructs/upstream-access';
import { httpsUrl, readEventBusContext, readLpaStoreContext, readLpaStoreEventsContext } from './context';

export interface SiriusGatewayStackProps extends StackProps {
  /** Sirius's base URL in this environment. */
  siriusBaseUrl: string;
  /** Name of the existing Secrets Manager secret that signs calls to Sirius. */
  siriusSigningSecretName: string;
  /** The built bundle (`npm run build`): dist/lambda.js, dist/events.js and dist/schema. */
  codePath: string;
  /** Reserved concurrency for the function; undefined for none. */
  reservedConcurrency?: number;
  /** Stage-wide throttling. */
  throttle?: { rateLimit: number; burstLimit: number };
  /** OTLP/HTTP traces URL, e.g. an ADOT collector layer's http://localhost:4318/v1/traces; none: no tracing. */
  tracesEndpoint?: string;
}

/**
 * The gateway in AWS, composed from infra/constructs/ in the order a request meets it: what it
 * keeps (tables, keys, secret), who may call (Cognito), the function, the API in front, and
 * alarms; with `lpaStoreEventBusName`, the LPA Store's `lpa-updated` events path too.
 */
export class SiriusGatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: SiriusGatewayStackProps) {
    super(scope, id, props);
    // Read first, so a bad value fails synth before anything is built. Either may be absent: see infra/context.ts.
    const lpaStore = readLpaStoreContext(this.node);
    const eventBus = readEventBusContext(this.node);
    const lpaStoreEvents = readLpaStoreEventsContext(this.node, lpaStore);
    // Sirius is called with a signed JWT: never in clear, and never a placeholder.
    httpsUrl('siriusBaseUrl', props.siriusBaseUrl);

    const stores = dataStores(this);
    const registered = callers(this);
    const gateway = gatewayFunction(this, { ...props, stores, callers: registered, lpaStore, eventBus });
    const lpaStoreGrants = lpaStore ? lpaStoreStatements(this, lpaStore) : undefined;
    for (const statement of lpaStoreGrants?.() ?? []) gateway.fn.addToRolePolicy(statement);
    if (eventBus) grantEventBus(this, gateway.fn, eventBus);
    if (lpaStoreEvents && lpaStoreGrants) {
      lpaStoreUpdatedEvents(this, {
        context: lpaStoreEvents,
        codePath: props.codePath,
        environment: gateway.environment,
        cacheTable: stores.cache,
        cacheKey: stores.cacheKey,
        lpaStoreGrants,
      });
    }

    const api = gatewayApi(this, { fn: gateway.fn, callers: registered, throttle: props.throttle });
    gatewayAlarms(this, { api, logGroup: gateway.logGroup });
  }
}
