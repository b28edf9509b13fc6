import { HELP_TEXT, parseCommandLine } from '../../lambda/cli/options';
import { UsageError } from '../../lambda/config/units';

const NOW = Date.UTC(2026, 11, 1) / 1000;
const URL_ARGS = ['--prometheus', 'http://127.0.0.1:9090'];

describe('--shard', () => {
  test('selects one shard of several', () => {
    const commandLine = parseCommandLine(['check', ...URL_ARGS, '--shard', '2/4'], {}, NOW);

    expect(commandLine.check.shard).toEqual({ index: 2, count: 4 });
  });

  test('defaults to every namespace', () => {
    expect(parseCommandLine(['check', ...URL_ARGS], {}, NOW).check.shard).toBeUndefined();
  });

  test.each(['0/4', '3/2', 'half'])('rejects %s naming the option', (text) => {
    const parse = () => parseCommandLine(['check', ...URL_ARGS, '--shard', text], {}, NOW);

    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(`--shard "${text}": expected INDEX/COUNT with 1 ≤ INDEX ≤ COUNT`);
  });

  test('is described in the help', () => {
    expect(HELP_TEXT).toContain('--shard INDEX/COUNT');
  });
});
