import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  it('with nothing set is the embedded default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ embedded: true, production: false, port: 4000, host: '127.0.0.1' });
    expect(config.simulator.port).toBe(4010);
    expect(config.sirius).toMatchObject({ baseUrl: undefined, timeoutMs: 3000, retries: 2 });
  });

  it('naming a Sirius turns the embedded parts off', () => {
    const config = loadConfig({
      SIRIUS_BASE_URL: 'https://sirius.example.internal',
      PORT: '8080',
      AUTH_ISSUER: 'cognito',
      COGNITO_USER_POOL_ID: 'eu-west-2_AbCdEf123',
      CALLER_REGISTRY_FILE: '/etc/sirius-gateway/callers.json',
      CACHE_TABLE_NAME: 'sirius-gateway-cache',
      SIRIUS_SIGNING_SECRET_NAME: 'sirius-gateway/sirius-jwt-secret',
      CODES_TABLE_NAME: 'sirius-gateway-codes',
      CODES_SECRET_NAME: 'sirius-gateway/codes-secret',
    });
    expect(config.sirius.signingSecret).toEqual({ kind: 'secrets-manager', name: 'sirius-gateway/sirius-jwt-secret', refreshSeconds: 300 });
    expect(config).toMatchObject({ embedded: false, port: 8080, host: '0.0.0.0' });
    expect(config.auth.issuer).toEqual({ kind: 'cognito', userPoolId: 'eu-west-2_AbCdEf123' });
  });

  it('never puts a real Sirius behind the dev issuer', () => {
    expect(() => loadConfig({ SIRIUS_BASE_URL: 'https://sirius.example.internal' })).toThrow(
      /AUTH_ISSUER: is required \(cognito or oidc\) when SIRIUS_BASE_URL is set/,
    );
    expect(() => loadConfig({ SIRIUS_BASE_URL: 'https://s.example', AUTH_ISSUER: 'oidc', CALLER_REGISTRY_FILE: 'c.json' })).toThrow(
      /OIDC_ISSUER, OIDC_JWKS_URI and OIDC_AUDIENCE are all required/,
    );
  });

  it('names every bad variable and its value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', SIRIUS_TIMEOUT_MS: '-5', SIRIUS_BASE_URL: 'ftp://nope', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const fragment of ['PORT="eighty"', 'SIRIUS_TIMEOUT_MS="-5"', 'SIRIUS_BASE_URL="ftp://nope"', 'LOG_LEVEL="loud"']) {
      expect(message).toContain(fragment);
    }
  });

  it('never falls back to the simulator in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SIRIUS_BASE_URL: is required when NODE_ENV=production/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', SIRIUS_BASE_URL: '' })).toMatchObject({ port: 4000, embedded: true });
  });

  it('keeps literal signing secrets out of production, without echoing them', () => {
    const secret = 'do-not-print-me-0123456789';
    expect(() => loadConfig({ NODE_ENV: 'production', SIRIUS_BASE_URL: 'https://s.example', SIRIUS_SIGNING_SECRET: secret })).toThrow(
      /SIRIUS_SIGNING_SECRET: must not be set when NODE_ENV=production/,
    );
    expect(() => loadConfig({ SIRIUS_SIGNING_SECRET: 'short' })).toThrow(/SIRIUS_SIGNING_SECRET: must be at least 16 characters/);
    try {
      loadConfig({ NODE_ENV: 'production', SIRIUS_BASE_URL: 'https://s.example', SIRIUS_SIGNING_SECRET: secret });
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('accepts the caller registry inline instead of as a file', () => {
    const config = loadConfig({ AUTH_ISSUER: 'cognito', COGNITO_USER_POOL_ID: 'eu-west-2_AbCdEf123', CALLER_REGISTRY_JSON: '{"callers":[]}' });
    expect(config.auth).toMatchObject({ callerRegistryJson: '{"callers":[]}', callerRegistryFile: undefined });
    expect(() => loadConfig({ AUTH_ISSUER: 'cognito', COGNITO_USER_POOL_ID: 'eu-west-2_AbCdEf123' })).toThrow(/CALLER_REGISTRY_FILE: is required/);
  });

  it('reads OIDC_ACCESS_TOKEN_CLAIM as name=value, for OIDC issuers only', () => {
    const oidc = { AUTH_ISSUER: 'oidc', OIDC_ISSUER: 'https://login.example', OIDC_JWKS_URI: 'https://login.example/keys', OIDC_AUDIENCE: 'api', CALLER_REGISTRY_JSON: '{"callers":[]}' };
    expect(loadConfig({ ...oidc, OIDC_ACCESS_TOKEN_CLAIM: 'idtyp=app' }).auth.issuer).toMatchObject({ accessTokenClaim: { name: 'idtyp', value: 'app' } });
    expect(loadConfig(oidc).auth.issuer).toMatchObject({ accessTokenClaim: undefined });
    for (const bad of ['idtyp', 'idtyp=', '=app', 'id typ=app']) {
      expect(() => loadConfig({ ...oidc, OIDC_ACCESS_TOKEN_CLAIM: bad })).toThrow(
        `OIDC_ACCESS_TOKEN_CLAIM=${JSON.stringify(bad)}: must be name=value: the claim every access token carries, e.g. idtyp=app for Entra ID`,
      );
    }
    expect(() => loadConfig({ OIDC_ACCESS_TOKEN_CLAIM: 'idtyp=app' })).toThrow(/OIDC_ACCESS_TOKEN_CLAIM="idtyp=app": applies only when AUTH_ISSUER=oidc/);
  });

  it('limits letter requests and leases idempotency keys: defaults, and overridden', () => {
    expect(loadConfig({}).codes).toMatchObject({ lettersPerActorPerDay: 3, lettersPerMinutePerCaller: 60, idempotencyLeaseSeconds: 30 });
    const set = loadConfig({ CODES_LETTERS_PER_ACTOR_PER_DAY: '1', CODES_LETTERS_PER_MINUTE_PER_CALLER: '10', IDEMPOTENCY_LEASE_SECONDS: '1' });
    expect(set.codes).toMatchObject({ lettersPerActorPerDay: 1, lettersPerMinutePerCaller: 10, idempotencyLeaseSeconds: 1 });
    expect(() => loadConfig({ IDEMPOTENCY_LEASE_SECONDS: '0' })).toThrow(/IDEMPOTENCY_LEASE_SECONDS="0"/);
  });

  describe('upstreams in production', () => {
    // Everything production needs but the upstreams' URLs.
    const production = {
      NODE_ENV: 'production',
      AUTH_ISSUER: 'cognito',
      COGNITO_USER_POOL_ID: 'eu-west-2_AbCdEf123',
      CALLER_REGISTRY_JSON: '{"callers":[]}',
      CACHE_TABLE_NAME: 'sirius-gateway-cache',
      CODES_TABLE_NAME: 'sirius-gateway-codes',
      CODES_SECRET_NAME: 'sirius-gateway/codes-secret',
      SIRIUS_SIGNING_SECRET_NAME: 'sirius-gateway/sirius-jwt-secret',
      LPA_STORE_JWT_SECRET_NAME: 'sirius-gateway/lpa-store-jwt-secret',
    };
    const problemsOf = (env: Record<string, string>): string[] => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
    };

    it('are https: an http:// SIRIUS_BASE_URL or LPA_STORE_BASE_URL is refused at load, naming the variable and its value', () => {
      expect(problemsOf({ ...production, SIRIUS_BASE_URL: 'http://sirius.example.internal' })).toEqual([
        'SIRIUS_BASE_URL="http://sirius.example.internal": must be an https:// URL when NODE_ENV=production (http only to a loopback address)',
      ]);
      expect(problemsOf({ ...production, SIRIUS_BASE_URL: 'https://sirius.example.internal', LPA_STORE_BASE_URL: 'http://lpa-store.example' })).toEqual([
        'LPA_STORE_BASE_URL="http://lpa-store.example": must be an https:// URL when NODE_ENV=production (http only to a loopback address)',
      ]);
      // Both at once: each is named.
      const both = problemsOf({ ...production, SIRIUS_BASE_URL: 'http://sirius.example.internal', LPA_STORE_BASE_URL: 'HTTP://lpa-store.example' });
      expect(both).toHaveLength(2);
      expect(both.join('\n')).toMatch(/^SIRIUS_BASE_URL=.*https/m);
      expect(both.join('\n')).toMatch(/^LPA_STORE_BASE_URL=.*https/m);
      // A host that merely starts like a loopback name is a network host.
      expect(problemsOf({ ...production, SIRIUS_BASE_URL: 'http://localhost.example.com' })).toHaveLength(1);
      expect(problemsOf({ ...production, SIRIUS_BASE_URL: 'http://127.0.0.1.nip.io' })).toHaveLength(1);
    });

    it('refuses any other scheme everywhere', () => {
      expect(problemsOf({ SIRIUS_BASE_URL: 'ftp://sirius.example.internal' }).join('\n')).toMatch(/^SIRIUS_BASE_URL="ftp:/m);
      expect(problemsOf({ ...production, SIRIUS_BASE_URL: 'ws://sirius.example.internal' }).join('\n')).toMatch(/^SIRIUS_BASE_URL="ws:/m);
    });

    it('accepts https, and http only to a loopback address (nothing crosses a network: the benchmarks)', () => {
      const config = loadConfig({ ...production, SIRIUS_BASE_URL: 'https://sirius.example.internal', LPA_STORE_BASE_URL: 'https://lpa-store.example' });
      expect(config).toMatchObject({ production: true, sirius: { baseUrl: 'https://sirius.example.internal' }, lpaStore: { baseUrl: 'https://lpa-store.example' } });
      for (const loopback of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010']) {
        expect(loadConfig({ ...production, SIRIUS_BASE_URL: loopback, LPA_STORE_BASE_URL: loopback }).sirius.baseUrl).toBe(loopback);
      }
    });

    it('leaves http alone outside production (the embedded simulators), and the OTLP endpoint alone in production (a local collector)', () => {
      const development = { ...production, NODE_ENV: 'development' };
      const config = loadConfig({ ...development, SIRIUS_BASE_URL: 'http://sirius.example.internal', LPA_STORE_BASE_URL: 'http://lpa-store.example' });
      expect(config.sirius.baseUrl).toBe('http://sirius.example.internal');
      expect(config.lpaStore.baseUrl).toBe('http://lpa-store.example');
      const traced = loadConfig({ ...production, SIRIUS_BASE_URL: 'https://sirius.example.internal', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector.example:4318/v1/traces' });
      expect(traced.tracing.endpoint).toBe('http://collector.example:4318/v1/traces');
    });
  });

  it('writes metrics to the log (EMF) in Lambda by default, and elsewhere only when asked', () => {
    expect(loadConfig({}).embeddedMetrics).toBe(false);
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'sirius-gateway' }).embeddedMetrics).toBe(true);
    expect(loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'sirius-gateway', EMBEDDED_METRICS: 'false' }).embeddedMetrics).toBe(false);
    expect(loadConfig({ EMBEDDED_METRICS: 'true' }).embeddedMetrics).toBe(true);
    expect(() => loadConfig({ EMBEDDED_METRICS: 'yes' })).toThrow(/EMBEDDED_METRICS="yes"/);
  });
});
