/**
 * A stand-in for the Secrets Manager API on 127.0.0.1. Secrets Manager speaks JSON over POST,
 * with the operation in the X-Amz-Target header. The stub returns one configurable secret string
 * for every GetSecretValue and records the requests.
 */

import { createServer, type Server } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretsManagerStub {
  readonly requests: { target: string | undefined; secretId: string }[];
  /** Sets the SecretString that the next GetSecretValue requests return. */
  setSecretString(text: string): void;
  /** A client that sends to this stub, without SDK retries. */
  client(): SecretsManagerClient;
  stop(): Promise<void>;
}

/** Starts the stub on a free loopback port. */
export async function startSecretsManagerStub(initialSecretString: string): Promise<SecretsManagerStub> {
  const requests: { target: string | undefined; secretId: string }[] = [];
  const clients: SecretsManagerClient[] = [];
  let secretString = initialSecretString;

  const server: Server = createServer((request, response) => {
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
  const { port } = server.address() as { port: number };

  return {
    requests,
    setSecretString(text: string) {
      secretString = text;
    },
    client() {
      const client = new SecretsManagerClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'oomforecastlocal', secretAccessKey: 'oomforecastlocal' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      clients.forEach((client) => client.destroy());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
