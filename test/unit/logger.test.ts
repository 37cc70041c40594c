import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger, prettyDestination } from '../../src/logger';

const EMBEDDED_AT_A_TERMINAL = { embedded: true, production: false, lambda: false, stdoutIsTTY: true };

describe('chooseLogFormat', () => {
  it('is pretty only for a terminal on the embedded default', () => {
    expect(chooseLogFormat(EMBEDDED_AT_A_TERMINAL)).toBe('pretty');
  });

  it.each([
    ['stdout is a pipe or a file (tests, a log collector)', { stdoutIsTTY: false }],
    ['a real Sirius is configured', { embedded: false }],
    ['production', { embedded: false, production: true }],
    ['production, even were it embedded', { production: true }],
    ['a Lambda', { lambda: true }],
  ])('is JSON lines when %s', (_, facts) => {
    expect(chooseLogFormat({ ...EMBEDDED_AT_A_TERMINAL, ...facts })).toBe('json');
  });
});

// A line carrying what must never be logged, as a mistaken future log line might.
const MISTAKE = {
  lpa: { donor: { firstNames: 'Rachel', surname: 'Sanderson' }, dateOfBirth: '1948-11-01' },
  headers: { authorization: 'Bearer secret-token' },
  variables: { uid: '7000-0000-0047' },
};
const PERSONAL = ['Rachel', 'Sanderson', '1948-11-01', 'secret-token', '7000-0000-0047'];
// pino-pretty colours when it thinks the terminal can.
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

describe('createLogger', () => {
  it('writes JSON lines, redacted', () => {
    const lines: string[] = [];
    createLogger('info', { write: (line: string) => void lines.push(line) }).info(MISTAKE, 'hello');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, any>;
    expect(Object.keys(entry)).toEqual(['level', 'time', 'service', 'lpa', 'headers', 'variables', 'msg']);
    expect(entry).toMatchObject({ level: 30, service: 'sirius-gateway', msg: 'hello', variables: '[redacted]' });
    expect(entry.lpa).toEqual({ donor: '[redacted]', dateOfBirth: '[redacted]' });
    expect(entry.headers.authorization).toBe('[redacted]');
    for (const value of PERSONAL) expect(lines[0]).not.toContain(value);
  });

  it('writes pretty lines to a terminal, redacted the same way', async () => {
    let text = '';
    const logger = createLogger('info', await prettyDestination((chunk) => (text += chunk)));
    logger.info(MISTAKE, 'hello');
    logger.child({}, { redact: { paths: [] } }).info({ status: 200 }, 'request');
    text = plain(text);
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello\n/);
    expect(text).toContain('variables: "[redacted]"');
    expect(text).toContain('"donor": "[redacted]"');
    expect(text).toContain('authorization": "[redacted]"');
    expect(text).toMatch(/INFO: request\n {4}status: 200\n$/);
    // Nothing said twice: the constant service name is left out.
    expect(text).not.toContain('sirius-gateway');
    for (const value of PERSONAL) expect(text).not.toContain(value);
  });
});
