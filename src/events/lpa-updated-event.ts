import * as z from 'zod';
import { LPA_STORE_UID_FORMAT } from '../lpa-store/lpa-store-uid';

// The LPA Store's `lpa-updated` event as EventBridge delivers it (fixtures/lpa-store/events/
// lpa-updated/): source `opg.poas.lpastore`, detail-type `lpa-updated`, detail `{uid, changeType}`
// and no body: whoever cares re-reads the LPA. Validated at the boundary; `changeType` is any
// string (the store adds update types), the uid must look like a store uid.

export const LPA_UPDATED = { source: 'opg.poas.lpastore', detailType: 'lpa-updated' } as const;

export const LpaUpdatedEventSchema = z.object({
  id: z.string().min(1).max(256),
  source: z.literal(LPA_UPDATED.source),
  'detail-type': z.literal(LPA_UPDATED.detailType),
  /** When the store made the change (EventBridge's `time`, RFC 3339). */
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    uid: z.string().regex(LPA_STORE_UID_FORMAT),
    changeType: z.string().min(1).max(100),
  }),
});

export type LpaUpdatedEvent = z.infer<typeof LpaUpdatedEventSchema>;

/** An event as the store's bus would carry it, for the simulator and tests. */
export function lpaUpdatedEvent(uid: string, changeType: string, time = new Date()): LpaUpdatedEvent {
  return {
    id: crypto.randomUUID(),
    source: LPA_UPDATED.source,
    'detail-type': LPA_UPDATED.detailType,
    time: time.toISOString(),
    detail: { uid, changeType },
  };
}
