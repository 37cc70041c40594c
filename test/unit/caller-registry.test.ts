import { describe, expect, it } from 'vitest';
import { CallerRegistry, CallerRegistryError } from '../../src/auth/caller-registry';
import { roleKey } from '../../src/auth/iam-principal';

const context = {
  schemas: [
    { consumer: 'use-an-lpa', version: 'v1', scopes: ['lpa.read', 'lpa.personal-data'] },
    { consumer: 'lpa-online-tool', version: 'v1', scopes: ['lpa.status'] },
  ],
};
const useAnLpa = {
  name: 'use-an-lpa',
  clientIds: ['client-ual'],
  iamRoleArns: ['arn:aws:iam::123456789012:role/use-an-lpa-api'],
  consumers: { 'use-an-lpa': ['v1'] },
  scopes: ['lpa.read', 'lpa.personal-data'],
};

function problems(json: unknown): string {
  try {
    CallerRegistry.parse(json, context);
  } catch (error) {
    expect(error).toBeInstanceOf(CallerRegistryError);
    return (error as Error).message;
  }
  throw new Error('the registry was accepted');
}

describe('caller registry', () => {
  it('maps a client id to its caller, narrowing scopes to those the token carries', () => {
    const registry = CallerRegistry.parse({ callers: [useAnLpa] }, context);
    const caller = registry.forClient('client-ual', new Set(['lpa.read', 'lpa.status']));
    expect(caller?.name).toBe('use-an-lpa');
    expect([...caller!.scopes]).toEqual(['lpa.read']);
    expect(registry.forClient('someone-else', new Set(['lpa.read']))).toBeUndefined();
  });

  it('maps an assumed-role principal from API Gateway to the registered role', () => {
    const registry = CallerRegistry.parse({ callers: [useAnLpa] }, context);
    const caller = registry.forIamPrincipal('arn:aws:sts::123456789012:assumed-role/use-an-lpa-api/session-42');
    expect(caller).toMatchObject({ name: 'use-an-lpa', principal: 'arn:aws:sts::123456789012:assumed-role/use-an-lpa-api/session-42' });
    expect([...caller!.scopes]).toEqual(['lpa.read', 'lpa.personal-data']);
    expect(registry.forIamPrincipal('arn:aws:sts::999999999999:assumed-role/use-an-lpa-api/s')).toBeUndefined();
    expect(registry.forIamPrincipal('arn:aws:iam::123456789012:user/someone')).toBeUndefined();
  });

  it.each([
    ['arn:aws:iam::123456789012:role/path/to/my-role', '123456789012:my-role'],
    ['arn:aws:sts::123456789012:assumed-role/my-role/session', '123456789012:my-role'],
    ['arn:aws:iam::123456789012:user/me', null],
    ['not an arn', null],
  ])('roleKey(%j) → %j', (arn, key) => {
    expect(roleKey(arn)).toBe(key);
  });

  it('names the entry with an unknown consumer schema', () => {
    expect(problems({ callers: [{ ...useAnLpa, consumers: { 'deputy-reporting': ['v1'] } }] })).toContain(
      'callers.0 (caller "use-an-lpa"): no consumer schema deputy-reporting v1',
    );
  });

  it('names the entry with an unknown scope', () => {
    expect(problems({ callers: [{ ...useAnLpa, scopes: ['lpa.raed'] }] })).toContain('callers.0 (caller "use-an-lpa"): unknown scope "lpa.raed"');
  });

  it('refuses a client id registered twice, and an entry with no way to authenticate', () => {
    const twice = problems({ callers: [useAnLpa, { ...useAnLpa, name: 'copy', iamRoleArns: [] }] });
    expect(twice).toContain('callers.1 (caller "copy"): client id client-ual is registered twice');
    expect(problems({ callers: [{ ...useAnLpa, clientIds: [], iamRoleArns: [] }] })).toContain('needs at least one of clientIds or iamRoleArns');
  });

  it('names malformed fields', () => {
    const message = problems({ callers: [{ ...useAnLpa, name: 'Use An LPA', iamRoleArns: ['arn:aws:iam::1:user/x'], extra: true }] });
    expect(message).toContain('callers.0.name (caller "Use An LPA"): must be lower-case letters, digits and hyphens');
    expect(message).toContain('callers.0.iamRoleArns.0 (caller "Use An LPA"): must be an IAM role ARN');
    expect(message).toMatch(/callers\.0 \(caller "Use An LPA"\): Unrecognized key: "extra"/);
  });

  it('stops start-up when the registry file is missing or not JSON', () => {
    expect(() => CallerRegistry.fromFile('/nonexistent/callers.json', context)).toThrow(/Caller registry \/nonexistent\/callers.json: ENOENT/);
  });

  it('reads the same registry inline (CALLER_REGISTRY_JSON), naming the source when it is not JSON', () => {
    const registry = CallerRegistry.fromJson(JSON.stringify({ callers: [useAnLpa] }), 'CALLER_REGISTRY_JSON', context);
    expect(registry.forClient('client-ual', new Set(['lpa.read']))?.name).toBe('use-an-lpa');
    expect(() => CallerRegistry.fromJson('{"callers": [', 'CALLER_REGISTRY_JSON', context)).toThrow(/^Caller registry CALLER_REGISTRY_JSON: /);
  });
});
