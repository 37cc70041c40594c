import { readFileSync } from 'node:fs';
import { projectPath } from '../project-paths';
import { applyUpdate, createLpa, type JsonObject, type LpaUpdate } from './lpa-store-lifecycle';

// The LPAs the LPA Store simulator holds unless told otherwise, made the way the store makes them:
// OPG's own example creation bodies (fixtures/lpa-store/examples, PUT bodies) then OPG's own update
// bodies (fixtures/lpa-store/updates) in the store's order: created (in-progress), the certificate
// provider signs, the attorneys and trust corporations sign, the statutory waiting period, registered.
// Some stop earlier in that life or leave it (withdrawn, cancelled, cannot register); some have
// attorneys added to the example body (a replacement, a second attorney) to show replacements and
// removals. Every uid is a valid one (Damm check digit, as opg-data-lpa-uid makes them);
// M-7890-0400-4000 is the store's own OpenAPI example. SEED_PLAN below is the list (uid, final
// status, what each shows); fixtures/lpa-store/README.md has it as a table.

type Example = 'example-lpa' | 'example-lpa-default-request' | 'example-lpa-all-paper';
type UpdateFile =
  | 'attorney-sign'
  | 'attorney-sign-uid'
  | 'certificate-provider-sign'
  | 'certificate-provider-confirm-identity'
  | 'donor-confirm-identity'
  | 'trust-corporation-sign'
  | 'trust-corporation-sign-uid'
  | 'statutory-waiting-period'
  | 'donor-withdraw-lpa'
  | 'opg-status-change'
  | 'change-attorneys'
  | 'sever-restrictions-and-conditions';

interface Step {
  /** OPG's body, or REGISTER (its docs have no body for it: its changes must be empty). */
  update: UpdateFile | 'register';
  /** The store's clock when it was applied: updatedAt, and the registration date for REGISTER. */
  at: string;
  /** An update written for attorney (or trust corporation) 0, made for another one. */
  aim?: { list: 'attorneys' | 'trustCorporations'; index: number };
  /** OPG's update type with these changes instead of the example's. */
  changes?: LpaUpdate['changes'];
}

export interface SeedPlan {
  uid: string;
  /** What the LPA ends as (checked when it is built). */
  status: string;
  shows: string;
  create: Example;
  /** Changes to the example body before it is created (attorneys added, another type). */
  amend?: (body: JsonObject) => void;
  steps: Step[];
}

const CREATED = '2024-01-12T10:00:00Z';
const WAITING = '2024-01-15T09:00:00Z';
const REGISTERED = '2024-02-12T12:00:00Z';

/** The certificate provider, then each attorney and trust corporation, sign (OPG's bodies, by position). */
function everyoneSigns(attorneys = 1, trustCorporations = 1): Step[] {
  return [
    { update: 'certificate-provider-sign', at: '2024-01-13T22:00:05Z' },
    ...range(attorneys).map((index): Step => ({ update: 'attorney-sign', at: `2024-01-13T22:1${index}:00Z`, aim: { list: 'attorneys', index } })),
    ...range(trustCorporations).map((index): Step => ({ update: 'trust-corporation-sign', at: `2024-01-13T22:2${index}:00Z`, aim: { list: 'trustCorporations', index } })),
  ];
}

function registered(attorneys = 1, trustCorporations = 1, registeredAt = REGISTERED): Step[] {
  return [...everyoneSigns(attorneys, trustCorporations), { update: 'statutory-waiting-period', at: WAITING }, { update: 'register', at: registeredAt }];
}

// People added to OPG's example bodies; named in the style of OPG's own examples.
const REPLACEMENT_ATTORNEY = {
  uid: '6b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8',
  firstNames: 'Nerys',
  lastName: 'Waitwell',
  address: { line1: '12 Spare Lane', town: 'Mahhhhhhhhhh', country: 'GB' },
  dateOfBirth: '1985-03-14',
  appointmentType: 'replacement',
  channel: 'paper',
} as const;

const SECOND_ATTORNEY = {
  uid: '0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f',
  firstNames: 'Osric',
  lastName: 'Leftby',
  address: { line1: '3 Parting Row', town: 'Mahhhhhhhhhh', country: 'GB' },
  dateOfBirth: '1979-11-02',
  status: 'active',
  appointmentType: 'original',
  channel: 'paper',
} as const;

function withAttorney(attorney: JsonObject): (body: JsonObject) => void {
  return (body) => {
    body.attorneys = [...(Array.isArray(body.attorneys) ? body.attorneys : []), structuredClone(attorney)];
  };
}

export const SEED_PLAN: readonly SeedPlan[] = [
  {
    uid: 'M-7890-0400-4000',
    status: 'registered',
    shows: 'example-lpa: online, personal welfare, an attorney and a trust corporation, restrictions',
    create: 'example-lpa',
    steps: registered(),
  },
  {
    uid: 'M-1000-0000-0017',
    status: 'registered',
    shows: "the store's defaults (life-sustaining option B, IsDefault); signed by uid-keyed updates, identities confirmed",
    create: 'example-lpa-default-request',
    steps: [
      { update: 'donor-confirm-identity', at: '2024-01-13T22:00:01Z' },
      { update: 'certificate-provider-confirm-identity', at: '2024-01-13T22:00:02Z' },
      { update: 'certificate-provider-sign', at: '2024-01-13T22:00:05Z' },
      { update: 'attorney-sign-uid', at: '2024-01-13T22:10:00Z' },
      { update: 'trust-corporation-sign-uid', at: '2024-01-13T22:20:00Z' },
      { update: 'statutory-waiting-period', at: WAITING },
      { update: 'register', at: '2024-02-13T09:30:00Z' },
    ],
  },
  {
    uid: 'M-1000-0000-0025',
    status: 'registered',
    shows: 'example-lpa-all-paper: paper channel, no donor email, instructions images, jointly-for-some-severally-for-others',
    create: 'example-lpa-all-paper',
    steps: registered(1, 1, '2024-02-14T15:45:00Z'),
  },
  {
    uid: 'M-1000-0000-0030',
    status: 'registered',
    shows: 'property and affairs, in Welsh: default when-has-capacity',
    create: 'example-lpa',
    amend: (body) => {
      body.lpaType = 'property-and-affairs';
      body.language = 'cy';
      delete body.lifeSustainingTreatmentOption;
      if (typeof body.donor === 'object' && body.donor !== null && !Array.isArray(body.donor)) body.donor.contactLanguagePreference = 'cy';
    },
    steps: registered(),
  },
  {
    uid: 'M-1000-0000-0049',
    status: 'in-progress',
    shows: 'only the certificate provider has signed',
    create: 'example-lpa',
    steps: [
      { update: 'donor-confirm-identity', at: '2024-01-13T22:00:01Z' },
      { update: 'certificate-provider-sign', at: '2024-01-13T22:00:05Z' },
    ],
  },
  {
    uid: 'M-1000-0000-0058',
    status: 'statutory-waiting-period',
    shows: 'everyone has signed; restrictions severed',
    create: 'example-lpa',
    steps: [
      { update: 'sever-restrictions-and-conditions', at: '2024-01-12T16:00:00Z' },
      ...everyoneSigns(),
      { update: 'statutory-waiting-period', at: WAITING },
    ],
  },
  {
    uid: 'M-1000-0000-0063',
    status: 'withdrawn',
    shows: 'withdrawn by the donor before registration',
    create: 'example-lpa',
    steps: [
      { update: 'certificate-provider-sign', at: '2024-01-13T22:00:05Z' },
      { update: 'donor-withdraw-lpa', at: '2024-01-20T11:00:00Z' },
    ],
  },
  {
    uid: 'M-1000-0000-0074',
    status: 'cancelled',
    shows: 'registered, then cancelled by OPG',
    create: 'example-lpa',
    steps: [
      ...registered(),
      { update: 'opg-status-change', at: '2024-06-03T10:00:00Z', changes: [{ key: '/status', old: 'registered', new: 'cancelled' }] },
    ],
  },
  {
    uid: 'M-1000-0000-0082',
    status: 'cannot-register',
    shows: "OPG's status change from in-progress",
    create: 'example-lpa',
    steps: [
      { update: 'certificate-provider-sign', at: '2024-01-13T22:00:05Z' },
      { update: 'opg-status-change', at: '2024-01-25T14:00:00Z' },
    ],
  },
  {
    uid: 'M-1000-0000-0096',
    status: 'registered',
    shows: 'a replacement attorney who has not stepped in (inactive)',
    create: 'example-lpa',
    amend: withAttorney({ ...REPLACEMENT_ATTORNEY, status: 'inactive' }),
    steps: registered(2),
  },
  {
    uid: 'M-1000-0000-0105',
    status: 'registered',
    shows: 'the original attorney removed and the replacement stepped in (active, appointmentType replacement)',
    create: 'example-lpa',
    amend: withAttorney({ ...REPLACEMENT_ATTORNEY, status: 'inactive' }),
    steps: [...registered(2), { update: 'change-attorneys', at: '2024-09-10T10:00:00Z' }],
  },
  {
    uid: 'M-1000-0000-0118',
    status: 'registered',
    shows: 'two attorneys, one removed, no replacement',
    create: 'example-lpa',
    amend: (body) => {
      withAttorney(SECOND_ATTORNEY)(body);
      body.howAttorneysMakeDecisions = 'jointly-and-severally';
    },
    steps: [
      ...registered(2),
      { update: 'change-attorneys', at: '2024-10-01T10:00:00Z', changes: [{ key: '/attorneys/1/status', old: 'active', new: 'removed' }] },
    ],
  },
  {
    uid: 'M-1000-0000-0126',
    status: 'registered',
    shows: 'a replacement attorney with the legacy `status: "replacement"` (Use an LPA\'s test data; the store\'s older Go code)',
    create: 'example-lpa',
    amend: withAttorney({ ...REPLACEMENT_ATTORNEY, status: 'replacement' }),
    steps: registered(2),
  },
];

/** The seeded LPAs, built afresh (each simulator owns its copies). */
export function seededLpas(): JsonObject[] {
  return SEED_PLAN.map(build);
}

function build(plan: SeedPlan): JsonObject {
  const body = readJson(`examples/${plan.create}.json`);
  plan.amend?.(body);
  let lpa = createLpa(plan.uid, body, CREATED);
  for (const step of plan.steps) {
    try {
      lpa = applyUpdate(lpa, updateFor(step), step.at);
    } catch (error) {
      throw new Error(`seeding ${plan.uid}, ${step.update}: ${(error as Error).message}`);
    }
  }
  if (lpa.status !== plan.status) throw new Error(`seeding ${plan.uid}: ended ${String(lpa.status)}, planned ${plan.status}`);
  return lpa;
}

function updateFor(step: Step): LpaUpdate {
  const update: LpaUpdate = step.update === 'register' ? { type: 'REGISTER', changes: [] } : (readJson(`updates/${step.update}.json`) as unknown as LpaUpdate);
  const changes = step.changes ?? update.changes;
  const aim = step.aim;
  if (!aim) return { type: update.type, changes };
  const prefix = `/${aim.list}/0/`;
  return { type: update.type, changes: changes.map((change) => (change.key.startsWith(prefix) ? { ...change, key: `/${aim.list}/${aim.index}/${change.key.slice(prefix.length)}` } : change)) };
}

function readJson(relative: string): JsonObject {
  return JSON.parse(readFileSync(projectPath('fixtures', 'lpa-store', relative), 'utf8')) as JsonObject;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
