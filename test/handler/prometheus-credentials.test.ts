import { createServer, type Server } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { resolvePrometheusAuth, SecretCache } from '../../lambda/handler/prometheus-credentials';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prometheus-AbCdEf';

let server: Server;
let client: SecretsManagerClient;
let secretString = '{"username":"grafana","password":"s3cret"}';
const requests: { target: string | undefined; secretId: string }[] = [];

beforeAll(async () => {
  // Secrets Manager speaks JSON over POST, with the operation in the X-Amz-Target header.
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const input = JSON.parse(body) as { SecretId: string };
      requests.push({ target: request.headers['x-amz-target'] as string | undefined, secretId: input.SecretId });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ ARN: input.SecretId, Name: 'prometheus', SecretString: secretString }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  client = new SecretsManagerClient({
    endpoint: `http://127.0.0.1:${address.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'oomforecastlocal', secretAccessKey: 'oomforecastlocal' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

beforeEach(() => {
  requests.length = 0;
  secretString = '{"username":"grafana","password":"s3cret"}';
});

describe('resolvePrometheusAuth', () => {
  test('basic credentials come from the secret', async () => {
    const auth = await resolvePrometheusAuth({ kind: 'basic', secretArn: SECRET_ARN }, new SecretCache(client));

    expect(auth).toEqual({ kind: 'basic', username: 'grafana', password: 's3cret' });
    expect(requests).toEqual([{ target: 'secretsmanager.GetSecretValue', secretId: SECRET_ARN }]);
  });

  test('secret with a token means bearer when the kind is not set', async () => {
    secretString = '{"token":"glc_abc"}';

    const auth = await resolvePrometheusAuth({ kind: 'from-secret', secretArn: SECRET_ARN }, new SecretCache(client));

    expect(auth).toEqual({ kind: 'bearer', token: 'glc_abc' });
  });

  test('warm invocations reuse the secret for 15 minutes', async () => {
    let nowSeconds = 1_000_000;
    const cache = new SecretCache(client, () => nowSeconds);

    await resolvePrometheusAuth({ kind: 'basic', secretArn: SECRET_ARN }, cache);
    nowSeconds += 14 * 60;
    await resolvePrometheusAuth({ kind: 'basic', secretArn: SECRET_ARN }, cache);
    expect(requests).toHaveLength(1);

    nowSeconds += 2 * 60;
    await resolvePrometheusAuth({ kind: 'basic', secretArn: SECRET_ARN }, cache);
    expect(requests).toHaveLength(2);
  });

  test.each([
    ['not JSON', 'user:s3cret', `secret ${SECRET_ARN} is not valid JSON`],
    ['bearer without token', '{"username":"u","password":"s3cret"}', 'expected a JSON object with a "token" string'],
  ])('%s is rejected without quoting the secret', async (_case, text, message) => {
    secretString = text;
    const kind = _case.startsWith('bearer') ? 'bearer' : 'basic';

    const resolving = resolvePrometheusAuth({ kind, secretArn: SECRET_ARN }, new SecretCache(client));

    await expect(resolving).rejects.toThrow(message);
    await expect(resolving).rejects.not.toThrow('s3cret');
  });

  test('sigv4 and none need no secret', async () => {
    const cache = new SecretCache(client);

    expect(await resolvePrometheusAuth({ kind: 'sigv4', region: 'eu-west-1' }, cache)).toEqual({ kind: 'sigv4', region: 'eu-west-1' });
    expect(await resolvePrometheusAuth({ kind: 'none' }, cache)).toEqual({ kind: 'none' });
    expect(requests).toHaveLength(0);
  });
});
