import { once } from '../once';

// How Use an LPA asks for a new activation-key letter for an LPA Store LPA: it announces
// `activation-key-requested` (source `opg.poas.use`, detail `{uid, actor}`) on EventBridge, and
// Sirius, which posts letters, picks it up (fixtures/lpa-store/events/activation-key-requested/).
// A Sirius LPA's letter is asked of Sirius directly (src/sirius/sirius-client.ts).

export const ACTIVATION_KEY_REQUESTED = { source: 'opg.poas.use', detailType: 'activation-key-requested' } as const;

export interface ActivationKeyRequest {
  /** The LPA Store uid, dashed. */
  uid: string;
  /** The donor's or attorney's uid on that LPA. */
  actor: string;
}

export interface ActivationKeyRequests {
  publish(request: ActivationKeyRequest): Promise<void>;
}

/** Raised when the bus refused the event: the letter was not requested (a retry may succeed). */
export class EventNotPublishedError extends Error {
  override readonly name = 'EventNotPublishedError';
}

/** In AWS: PutEvents on the configured bus (the function may put events there and nowhere else). */
export function eventBridgeActivationKeyRequests(options: { busName: string; region: string; timeoutMs: number }): ActivationKeyRequests {
  // The EventBridge client is loaded with the first letter request, not at start-up (a Lambda's
  // cold start, issue 17): most instances never publish one.
  const load = once(() =>
    import('./eventbridge').then(({ EventBridgeClient, PutEventsCommand }) => ({
      client: new EventBridgeClient({ region: options.region, maxAttempts: 2 }),
      PutEventsCommand,
    })),
  );
  return {
    async publish(request) {
      const { client, PutEventsCommand } = await load();
      const { FailedEntryCount, Entries } = await client.send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: options.busName, Source: ACTIVATION_KEY_REQUESTED.source, DetailType: ACTIVATION_KEY_REQUESTED.detailType, Detail: JSON.stringify(request) },
          ],
        }),
        { abortSignal: AbortSignal.timeout(options.timeoutMs) },
      );
      // PutEvents answers 200 with per-entry failures: a failed entry is a failed request.
      if (FailedEntryCount) throw new EventNotPublishedError(`EventBridge refused the event: ${Entries?.[0]?.ErrorCode ?? 'unknown'}`);
    },
  };
}

/** The embedded default: events are kept in memory, where a test or an engineer can read them. */
export class RecordedActivationKeyRequests implements ActivationKeyRequests {
  readonly events: { source: string; 'detail-type': string; detail: ActivationKeyRequest; time: string }[] = [];

  async publish(request: ActivationKeyRequest): Promise<void> {
    this.events.push({ source: ACTIVATION_KEY_REQUESTED.source, 'detail-type': ACTIVATION_KEY_REQUESTED.detailType, detail: request, time: new Date().toISOString() });
  }
}
