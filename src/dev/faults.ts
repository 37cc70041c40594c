import * as z from 'zod';

// The faults the embedded stack can be told to inject (PUT /__faults on the simulator's port), so
// that outages are rehearsed the same way by hand and in tests. All combine; `{}` resets them all.
// Sirius's faults are applied by its simulator; DynamoDB's by a proxy in front of dynalite, so the
// real AWS SDK sees a slow, silent or throttling server.

const DynamoFaultsSchema = z.strictObject({
  /** Added before each matching request is forwarded. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Accept matching requests and never answer them. */
  hang: z.boolean().optional(),
  /** Answer matching requests with DynamoDB's ThrottlingException. */
  throttle: z.boolean().optional(),
  /** Only these operations (`GetItem`, `UpdateItem`, …); default all. */
  operations: z.array(z.string().regex(/^[A-Za-z]+$/)).min(1).optional(),
  /** Only requests on items whose key `pk` starts with this (e.g. `idem#`); default all. */
  keyPrefix: z.string().min(1).optional(),
  /** Only this table; default both. */
  table: z.string().min(1).optional(),
});

export const FaultsSchema = z.strictObject({
  /** Every Sirius call answers this HTTP status. */
  status: z.number().int().min(400).max(599).optional(),
  /** Every Sirius call is this slow. */
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  /** Every LPA read answers 200 with exactly this body (HTML, truncated JSON, another LPA, …). */
  body: z.string().max(10_000_000).optional(),
  /** Valid LPA answers are padded with JSON whitespace to this many bytes. */
  padBytes: z.number().int().min(0).max(100_000_000).optional(),
  dynamodb: DynamoFaultsSchema.optional(),
});

export type Faults = z.infer<typeof FaultsSchema>;
export type DynamoFaults = z.infer<typeof DynamoFaultsSchema>;

/** The faults in force, shared by the simulator (which sets them) and the DynamoDB proxy. */
export class FaultState {
  current: Faults = {};
}
