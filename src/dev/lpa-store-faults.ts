import { z } from 'zod';

// The faults the LPA Store simulator can be told to inject (PUT /__faults on its own port), apart
// from Sirius's (faults.ts) so that one upstream can fail while the other answers. All combine; `{}`
// resets them all.

export const LpaStoreFaultsSchema = z.strictObject({
  /** Every API call (reads and the health check) answers this HTTP status. */
  status: z.number().int().min(400).max(599).optional(),
  /** Every API call is this slow. */
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  /** Every read (`GET /lpas/{uid}`, `POST /lpas`) answers 200 with exactly this body. */
  body: z.string().max(10_000_000).optional(),
});

export type LpaStoreFaults = z.infer<typeof LpaStoreFaultsSchema>;

/** The faults in force; shared with whoever else may set them (the embedded stack). */
export class LpaStoreFaultState {
  current: LpaStoreFaults = {};
}
