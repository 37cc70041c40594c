import type { CallerRegistryFile } from '../auth/caller-registry';

/** The embedded default's caller registry: one dev caller per consumer, and an explorer. */
export const DEV_CALLERS = {
  callers: [
    {
      name: 'use-an-lpa',
      clientIds: ['dev-use-an-lpa'],
      consumers: { 'use-an-lpa': ['v1', 'v2', 'v3'] },
      scopes: ['lpa.read', 'lpa.personal-data', 'codes.use'],
    },
    {
      name: 'lpa-online-tool',
      clientIds: ['dev-lpa-online-tool'],
      consumers: { 'lpa-online-tool': ['v1'] },
      scopes: ['lpa.status'],
    },
    {
      name: 'sirius-case-management',
      clientIds: ['dev-sirius-case-management'],
      consumers: { 'sirius-case-management': ['v1', 'v2'] },
      scopes: ['codes.manage'],
    },
    {
      name: 'explorer',
      clientIds: ['dev-explorer'],
      consumers: { 'use-an-lpa': ['v1', 'v2', 'v3'], 'lpa-online-tool': ['v1'], 'sirius-case-management': ['v1', 'v2'] },
      scopes: ['explorer', 'lpa.read', 'lpa.personal-data', 'lpa.status'],
    },
  ],
} satisfies CallerRegistryFile;

export function devCaller(name: string) {
  return DEV_CALLERS.callers.find((caller) => caller.name === name);
}
