import * as z from 'zod';

// The faults the LPA Store simulator can be told to inject (PUT /__faults on its own port), apart
// from Sirius's (faults.ts) so that one upstream can fail while the other answers. All combine; `{}`
// resets them all. `status`, `latencyMs` and `body` act on the store's API only; `events` on the
// `lpa-updated` events the simulator emits for the changes it applies (its admin path, POST
// /__lpas/{uid}/updates, answers regardless of the other faults: it is the engineer's control surface).

export const LpaStoreFaultsSchema = z.strictObject({
  /** Every API call (reads and the health check) answers this HTTP status. */
  status: z.number().int().min(400).max(599).optional(),
  /** Every API call is this slow. */
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  /** Every read (`GET /lpas/{uid}`, `POST /lpas`) answers 200 with exactly this body. */
  body: z.string().max(10_000_000).optional(),
  /**
   * The `lpa-updated` events: `drop` throws each away (a lost event: the gateway's time window is
   * then the only thing that brings the change in); `delayMs` hands each to the handler that much
   * later (a late event). `drop` wins over `delayMs`. The change itself is applied either way.
   */
  events: z
    .strictObject({
      drop: z.boolean().optional(),
      delayMs: z.number().int().min(0).max(60_000).optional(),
    })
    .optional(),
});

export type LpaStoreFaults = z.infer<typeof LpaStoreFaultsSchema>;

/** The faults in force; shared with whoever else may set them (the embedded stack). */
export class LpaStoreFaultState {
  current: LpaStoreFaults = {};
}
