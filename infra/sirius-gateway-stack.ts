import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { alarmWiring, gatewayAlarms, readAlarmContext, requireAlarmActions } from './constructs/alarms';
import { gatewayApi } from './constructs/api';
import { callers } from './constructs/callers';
import { readEdgeContext } from './constructs/edge-context';
import { gatewayDashboard } from './constructs/dashboard';
import { codesBackup } from './constructs/backup';
import { dataStores, guardCodesSecret, readBreakGlassRoleArn } from './constructs/data-stores';
import { gatewayFunction } from './constructs/gateway-function';
import { lpaStoreUpdatedEvents } from './constructs/lpa-store-events';
import { gatewayNetwork, readNetworkContext } from './constructs/network';
import { grantEventBus, lpaStoreStatements } from './constructs/upstream-access';
import { httpsUrl, readEventBusContext, readLpaStoreContext, readLpaStoreEventsContext } from './context';

export interface SiriusGatewayStackProps extends StackProps {
  /** Sirius's base URL in this environment. */
  siriusBaseUrl: string;
  /** Name of the existing Secrets Manager secret that signs calls to Sirius. */
  siriusSigningSecretName: string;
  /** The Lambdas' asset (`npm run build`): dist/lambda/, holding lambda.js, events.js, schema/ and operations/ only. */
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
    const networkContext = readNetworkContext(this.node, { region: this.region, lpaStore: lpaStore !== undefined });
    const breakGlassRoleArn = readBreakGlassRoleArn(this.node, this.account);
    const alarmContext = readAlarmContext(this.node);
    const edge = readEdgeContext(this.node, this.region);
    // Sirius is called with a signed JWT: never in clear, and never a placeholder.
    httpsUrl('siriusBaseUrl', props.siriusBaseUrl);

    const stores = dataStores(this);
    codesBackup(this, stores.codes);
    const network = gatewayNetwork(this, networkContext, { eventBus: eventBus !== undefined });
    // The alarm topic first: every alarm, wherever it is made, notifies it (checked at synth).
    const alarms = alarmWiring(this, alarmContext);
    requireAlarmActions(this, alarms);
    const registered = callers(this);
    const gateway = gatewayFunction(this, { ...props, stores, callers: registered, lpaStore, eventBus, network: network.gateway });
    guardCodesSecret(stores, { gateway: gateway.fn.role!, breakGlassRoleArn });
    const lpaStoreGrants = lpaStore ? lpaStoreStatements(this, lpaStore) : undefined;
    for (const statement of lpaStoreGrants?.() ?? []) gateway.fn.addToRolePolicy(statement);
    if (eventBus) grantEventBus(this, gateway.fn, eventBus);
    const events =
      lpaStoreEvents && lpaStoreGrants
        ? lpaStoreUpdatedEvents(this, {
            context: lpaStoreEvents,
            codePath: props.codePath,
            environment: gateway.environment,
            cacheTable: stores.cache,
            cacheKey: stores.cacheKey,
            lpaStoreGrants,
            alarms,
            network: network.events(),
          })
        : undefined;

    const api = gatewayApi(this, { fn: gateway.fn, callers: registered, edge, throttle: props.throttle });
    const watched = gatewayAlarms(this, { api, fn: gateway.fn, logGroup: gateway.logGroup, reservedConcurrency: props.reservedConcurrency, wiring: alarms, events });
    // Last: its alarm status widget lists every alarm of the stack.
    gatewayDashboard(this, { api, fn: gateway.fn, logGroup: gateway.logGroup, alarms: watched, reservedConcurrency: props.reservedConcurrency, events });
  }
}
