import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { resolvePrometheusAuth, SecretCache } from '../../lambda/handler/prometheus-credentials';
import { startSecretsManagerStub, type SecretsManagerStub } from './support/secrets-manager-stub';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prometheus-AbCdEf';
const BASIC_SECRET = '{"username":"grafana","password":"s3cret"}';

let stub: SecretsManagerStub;
let client: SecretsManagerClient;

beforeAll(async () => {
  stub = await startSecretsManagerStub(BASIC_SECRET);
  client = stub.client();
});

afterAll(async () => {
  await stub?.stop();
});

beforeEach(() => {
  stub.requests.length = 0;
  stub.setSecretString(BASIC_SECRET);
});

describe('resolvePrometheusAuth', () => {
  test('basic credentials come from the secret', async () => {
    const auth = await resolvePrometheusAuth({ kind: 'basic', secretArn: SECRET_ARN }, new SecretCache(client));

    expect(auth).toEqual({ kind: 'basic', username: 'grafana', password: 's3cret' });
    expect(stub.requests).toEqual([{ target: 'secretsmanager.GetSecretValue', secretId: SECRET_ARN }]);
  });

  test('secret with a token means bearer when the kind is not set', async () => {
    stub.setSecretString('{"token":"glc_abc"}');

    const auth = await resolvePrometheusAuth({ kind: 'from-secret', secretArn: SECRET_ARN }, new SecretCache(client));

    expect(auth).toEqual({ kind: 'bearer', token: 'glc_abc' });
  });

  test('warm invocations reuse the secret for 15 minutes', async () => {
    let nowSeconds = 1_000_000;
    const cache = new SecretCache(client, () => nowSeconds);

    await resolvePrometheusAuth({ kind: 'basic', secretArn: SECRET_ARN }, cache);
    nowSeconds += 14 * 60;
    await resolvePrometheusAuth({ kind: 'basic', secretArn: SECRET_ARN }, cache);
    expect(stub.requests).toHaveLength(1);

    nowSeconds += 2 * 60;
    await resolvePrometheusAuth({ kind: 'basic', secretArn: SECRET_ARN }, cache);
    expect(stub.requests).toHaveLength(2);
  });

  test.each([
    ['not JSON', 'user:s3cret', `secret ${SECRET_ARN} is not valid JSON`],
    ['bearer without token', '{"username":"u","password":"s3cret"}', 'expected a JSON object with a "token" string'],
  ])('%s is rejected without quoting the secret', async (_case, text, message) => {
    stub.setSecretString(text);
    const kind = _case.startsWith('bearer') ? 'bearer' : 'basic';

    const resolving = resolvePrometheusAuth({ kind, secretArn: SECRET_ARN }, new SecretCache(client));

    await expect(resolving).rejects.toThrow(message);
    await expect(resolving).rejects.not.toThrow('s3cret');
  });

  test('sigv4 and none need no secret', async () => {
    const cache = new SecretCache(client);

    expect(await resolvePrometheusAuth({ kind: 'sigv4', region: 'eu-west-1' }, cache)).toEqual({ kind: 'sigv4', region: 'eu-west-1' });
    expect(await resolvePrometheusAuth({ kind: 'none' }, cache)).toEqual({ kind: 'none' });
    expect(stub.requests).toHaveLength(0);
  });
});
