import { App } from 'aws-cdk-lib';
import { DEFAULT_SCHEDULE, readOomForecastContext } from '../../lib/context';
import { BASE_CONTEXT, SECRET_ARN, buildStack, buildStackFromContext } from './synth-support';

function readContext(context: Record<string, unknown>) {
  return readOomForecastContext(new App({ context, autoSynth: false }).node);
}

describe('context validation', () => {
  test.each([
    ['missing prometheusUrl', {}, /context "prometheusUrl" is missing/],
    ['non-URL prometheusUrl', { ...BASE_CONTEXT, prometheusUrl: 'prometheus:9090x' }, /context "prometheusUrl" = "prometheus:9090x": expected an http or https URL/],
    ['ftp prometheusUrl', { prometheusUrl: 'ftp://prometheus.internal' }, /context "prometheusUrl" = "ftp:\/\/prometheus.internal": expected an http or https URL, not ftp:/],
    ['warnDays=soon', { ...BASE_CONTEXT, warnDays: 'soon' }, /context "warnDays" = "soon": expected a number above zero/],
    ['warnDays=0', { ...BASE_CONTEXT, warnDays: 0 }, /context "warnDays" = "0": expected a number above zero/],
    ['criticalDays=-1', { ...BASE_CONTEXT, criticalDays: '-1' }, /context "criticalDays" = "-1": expected a number above zero/],
    ['criticalDays equal to warnDays', { ...BASE_CONTEXT, warnDays: 3, criticalDays: 3 }, /context "criticalDays" = "3": expected fewer days than warnDays \(3\)/],
    ['criticalDays above warnDays', { ...BASE_CONTEXT, warnDays: '3', criticalDays: '5' }, /context "criticalDays" = "5": expected fewer days than warnDays \(3\)/],
    ['default criticalDays above warnDays', { ...BASE_CONTEXT, warnDays: 1 }, /context "criticalDays" = "2": expected fewer days than warnDays \(1\)/],
    ['bad email', { ...BASE_CONTEXT, notifyEmails: 'ops@example.com,sre-at-example.com' }, /context "notifyEmails" = "sre-at-example.com": expected e-mail addresses/],
    ['bad phone 0123', { ...BASE_CONTEXT, notifySms: '0123' }, /context "notifySms" = "0123": expected E.164 phone numbers/],
    ['phone without plus', { ...BASE_CONTEXT, notifySms: ['447700900123'] }, /context "notifySms" = "447700900123": expected E.164/],
    ['schedule every hour', { ...BASE_CONTEXT, schedule: 'every hour' }, /context "schedule" = "every hour": expected rate\(value unit\)/],
    ['schedule rate(1 hours)', { ...BASE_CONTEXT, schedule: 'rate(1 hours)' }, /context "schedule" = "rate\(1 hours\)": write rate\(1 hour\)/],
    ['schedule rate(0 minutes)', { ...BASE_CONTEXT, schedule: 'rate(0 minutes)' }, /context "schedule" = "rate\(0 minutes\)": expected rate\(value unit\) with a whole number above zero/],
    ['schedule with five cron fields', { ...BASE_CONTEXT, schedule: 'cron(0 9 * * ?)' }, /context "schedule" = "cron\(0 9 \* \* \?\)": expected 6 cron fields/],
    ['schedule hour 24', { ...BASE_CONTEXT, schedule: 'cron(0 24 * * ? *)' }, /context "schedule" = "cron\(0 24 \* \* \? \*\)": the hours field "24" is invalid/],
    ['schedule with both day fields', { ...BASE_CONTEXT, schedule: 'cron(0 9 * * MON *)' }, /context "schedule" = "cron\(0 9 \* \* MON \*\)": exactly one of day-of-month and day-of-week must be "\?"/],
    ['schedule weekly', { ...BASE_CONTEXT, schedule: 'rate(7 days)' }, /context "schedule" = "rate\(7 days\)": runs as rarely as every 7.0 days/],
    ['schedule monthly', { ...BASE_CONTEXT, schedule: 'cron(0 9 1 * ? *)' }, /context "schedule" = "cron\(0 9 1 \* \? \*\)": cannot tell how often/],
    ['bad lookback', { ...BASE_CONTEXT, lookback: '7x' }, /context "lookback" = "7x": expected a duration such as 7d/],
    ['bad limit', { ...BASE_CONTEXT, limit: '2 gigs' }, /context "limit" = "2 gigs": expected a size such as 512MiB/],
    ['zero limit', { ...BASE_CONTEXT, limit: '0Mi' }, /context "limit" = "0Mi": expected a size above zero/],
    ['unknown time zone', { ...BASE_CONTEXT, schedule: 'cron(0 9 * * ? *)', scheduleTimeZone: 'Europe/Londn' }, /context "scheduleTimeZone" = "Europe\/Londn": expected an IANA time zone name/],
    ['lower-case time zone', { ...BASE_CONTEXT, schedule: 'cron(0 9 * * ? *)', scheduleTimeZone: 'europe/london' }, /context "scheduleTimeZone" = "europe\/london": write the time zone as Europe\/London/],
    ['time zone for a rate', { ...BASE_CONTEXT, scheduleTimeZone: 'Europe/London' }, /context "scheduleTimeZone" = "Europe\/London": applies only to cron\(...\) schedules, but "schedule" is rate\(1 hour\)/],
    ['unknown auth', { ...BASE_CONTEXT, prometheusAuth: 'oauth' }, /context "prometheusAuth" = "oauth": expected one of none, basic, bearer, sigv4/],
    ['basic without secret', { ...BASE_CONTEXT, prometheusAuth: 'basic' }, /context "prometheusSecretArn" is missing: prometheusAuth basic/],
    ['secret without basic or bearer', { ...BASE_CONTEXT, prometheusSecretArn: SECRET_ARN }, /context "prometheusSecretArn" = ".*": prometheusAuth is none, which uses no secret/],
    ['bad secret ARN', { ...BASE_CONTEXT, prometheusAuth: 'bearer', prometheusSecretArn: 'prometheus-token' }, /context "prometheusSecretArn" = "prometheus-token": expected the ARN of a Secrets Manager secret/],
    ['region without sigv4', { ...BASE_CONTEXT, prometheusRegion: 'eu-west-1' }, /context "prometheusRegion" = "eu-west-1": applies only to prometheusAuth sigv4/],
    ['bad region', { ...BASE_CONTEXT, prometheusAuth: 'sigv4', prometheusRegion: 'Ireland' }, /context "prometheusRegion" = "Ireland": expected an AWS Region code/],
    ['bad subnet id', { ...BASE_CONTEXT, vpcId: 'vpc-0123456789abcdef0', subnetIds: 'subnet-1,subnet-0123456789abcdef0' }, /context "subnetIds" = "subnet-1": expected ids such as subnet-0123456789abcdef0/],
    ['subnets without VPC', { ...BASE_CONTEXT, subnetIds: 'subnet-0123456789abcdef0' }, /context "subnetIds" = "subnet-0123456789abcdef0": needs "vpcId" as well/],
    ['two VPC ids', { ...BASE_CONTEXT, vpcId: 'vpc-0123456789abcdef0,vpc-0123456789abcdef1' }, /context "vpcId" = ".*": expected a single VPC id/],
    ['proxy with credentials', { ...BASE_CONTEXT, prometheusProxyUrl: 'http://alice:s3cret@proxy.internal:3128' }, /context "prometheusProxyUrl" = "http:\/\/\*\*\*@proxy.internal:3128": the proxy URL contains credentials/],
    ['socks proxy', { ...BASE_CONTEXT, prometheusProxyUrl: 'socks5://proxy.internal:1080' }, /context "prometheusProxyUrl" = "socks5:\/\/proxy.internal:1080": expected an http or https proxy URL, not socks5:/],
    ['mis-cased prometheusURL', { ...BASE_CONTEXT, prometheusURL: 'https://prometheus.internal' }, /context "prometheusURL" is not an oom-forecast setting: did you mean "prometheusUrl"\? Keys are case-sensitive\./],
    ['snake-case warn_days', { ...BASE_CONTEXT, warn_days: '3' }, /context "warn_days" is not an oom-forecast setting: did you mean "warnDays"\?/],
    ['bad selector', { ...BASE_CONTEXT, selector: 'namespace=dojo' }, /context "selector" = "namespace=dojo": expected label matchers such as namespace="dojo"/],
    ['unknown notify time zone', { ...BASE_CONTEXT, notifyTimeZone: 'Mars/Olympus' }, /context "notifyTimeZone" = "Mars\/Olympus": expected an IANA time zone name/],
    ['time zone abbreviation', { ...BASE_CONTEXT, notifyTimeZone: 'BST' }, /context "notifyTimeZone" = "BST": expected a Region\/City zone name such as Europe\/London .* \(this one is read as Asia\/Dhaka\)/],
    ['object value', { ...BASE_CONTEXT, selector: { namespace: 'dojo' } }, /context "selector" = {"namespace":"dojo"}: expected a string, a number or a list of strings/],
  ])('rejects %s', (_case, context, expectedMessage) => {
    // GIVEN a context with one bad value
    // WHEN the stack is built from it
    // THEN the error names the key and the value
    expect(() => buildStackFromContext(context)).toThrow(expectedMessage);
  });

  test('rejects a URL with credentials without repeating the password', () => {
    // GIVEN a Prometheus URL with a user name and password in it
    const context = { prometheusUrl: 'https://admin:hunter2@prometheus.example.net' };

    // WHEN the context is read
    let message = '';
    try {
      readContext(context);
    } catch (error) {
      message = (error as Error).message;
    }

    // THEN the error points to a secret and does not echo the password
    expect(message).toMatch(/context "prometheusUrl" = "https:\/\/\*\*\*@prometheus.example.net\/": the URL contains credentials/);
    expect(message).not.toContain('hunter2');
  });

  test('VPC lookup without account and Region names the fix', () => {
    // GIVEN a VPC id without subnet ids in an environment-agnostic stack
    // WHEN the stack is built
    // THEN the error explains that the lookup needs credentials or subnetIds
    expect(() => buildStack({ vpcId: 'vpc-0123456789abcdef0' })).toThrow(
      /context "vpcId" = "vpc-0123456789abcdef0": without "subnetIds" the VPC is looked up, which needs the stack's account and Region/,
    );
  });
});

describe('context defaults and lists', () => {
  test('leaves CDK feature flags and other apps\' keys alone', () => {
    const context = readContext({ ...BASE_CONTEXT, '@aws-cdk/aws-lambda:recognizeLayerVersion': true, teamName: 'payments', warnDays: 5 });

    expect(context.props.warnDays).toBe(5);
  });

  test('defaults match the CLI options', () => {
    // GIVEN only a Prometheus URL
    // WHEN the context is read
    const { props, prometheusSecretArn, vpcId, subnetIds, securityGroupIds } = readContext(BASE_CONTEXT);

    // THEN the CLI defaults apply and nothing optional is set
    expect(props.warnDays).toBe(7);
    expect(props.criticalDays).toBe(2);
    expect(props.lookback).toBe('7d');
    expect(props.limit).toBeUndefined();
    expect(props.schedule?.expressionString).toBe(DEFAULT_SCHEDULE);
    expect(props.schedule?.timeZone?.timezoneName).toBe('Etc/UTC');
    expect(props.prometheusAuth).toBe('none');
    expect(props.notifyEmails).toEqual([]);
    expect(props.notifySms).toEqual([]);
    expect(prometheusSecretArn).toBeUndefined();
    expect(vpcId).toBeUndefined();
    expect(subnetIds).toEqual([]);
    expect(securityGroupIds).toEqual([]);
  });

  test('comma-separated text and JSON arrays give the same lists', () => {
    // GIVEN the same recipients once as -c text and once as cdk.json arrays
    const fromText = readContext({ ...BASE_CONTEXT, notifyEmails: ' ops@example.com, sre@example.com ', notifySms: '+447700900123,+14155550100' });
    const fromArrays = readContext({ ...BASE_CONTEXT, notifyEmails: ['ops@example.com', 'sre@example.com'], notifySms: ['+447700900123', '+14155550100'] });

    // THEN both read as trimmed lists
    expect(fromText.props.notifyEmails).toEqual(['ops@example.com', 'sre@example.com']);
    expect(fromArrays.props.notifyEmails).toEqual(['ops@example.com', 'sre@example.com']);
    expect(fromText.props.notifySms).toEqual(['+447700900123', '+14155550100']);
    expect(fromArrays.props.notifySms).toEqual(['+447700900123', '+14155550100']);
  });

  test('numbers from cdk.json and text from -c read alike', () => {
    // GIVEN thresholds as JSON numbers and as strings
    const fromNumbers = readContext({ ...BASE_CONTEXT, warnDays: 10, criticalDays: 2.5 });
    const fromText = readContext({ ...BASE_CONTEXT, warnDays: '10', criticalDays: '2.5' });

    // THEN both give the same numbers
    expect(fromNumbers.props.warnDays).toBe(10);
    expect(fromNumbers.props.criticalDays).toBe(2.5);
    expect(fromText.props.warnDays).toBe(10);
    expect(fromText.props.criticalDays).toBe(2.5);
  });

  test('an Amazon Managed Prometheus URL defaults to SigV4', () => {
    // GIVEN a workspace URL and no prometheusAuth
    const { props } = readContext({ prometheusUrl: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1234abcd' });

    // THEN requests are signed
    expect(props.prometheusAuth).toBe('sigv4');
  });

  test('a cron schedule keeps its time zone', () => {
    // GIVEN a daily cron in London time
    const { props } = readContext({ ...BASE_CONTEXT, schedule: 'cron(0 9 * * ? *)', scheduleTimeZone: 'Europe/London' });

    // THEN the expression and the zone reach the construct
    expect(props.schedule?.expressionString).toBe('cron(0 9 * * ? *)');
    expect(props.schedule?.timeZone?.timezoneName).toBe('Europe/London');
  });
});
