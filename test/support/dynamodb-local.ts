/**
 * Starts Amazon's DynamoDB Local (the jar shipped by the `amplify-dynamodb-simulator` package)
 * on a free loopback port, for tests that need a real DynamoDB.
 *
 * The jar has no option to choose the listening address (its `-help` lists only -port,
 * -inMemory, -dbPath, -sharedDb, -cors, -delayTransientStatuses, -optimizeDbBeforeStartup and
 * -disableTelemetry), and by default Jetty listens on every interface. A small Java launcher
 * therefore builds the server with the jar's own `ServerRunner`, sets the Jetty connector's
 * host to 127.0.0.1 and only then starts it.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { findFreePort, startGroup, type ProcessGroup } from '../../lambda/local-prometheus/process-group';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../../lambda/store/dynamodb/table-layout';

const EMULATOR_DIRECTORY = path.resolve(__dirname, '../../node_modules/amplify-dynamodb-simulator/emulator');
const READY_TIMEOUT_MS = 60_000;

const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
const LAUNCHER_SOURCE = `
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

public class ${LAUNCHER_CLASS} {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((AbstractNetworkConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
`;

/** Dummy credentials: DynamoDB Local checks only that some are present. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'oomforecastlocal', secretAccessKey: 'oomforecastlocal' };
export const LOCAL_REGION = 'us-east-1';

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** Stops the server and removes its launcher files. */
  stop(): Promise<void>;
}

/** Starts DynamoDB Local in memory on 127.0.0.1 and waits until it accepts requests. */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const port = await findFreePort();
  const launcherDirectory = mkdtempSync(path.join(tmpdir(), 'oom-forecast-ddb-'));
  writeFileSync(path.join(launcherDirectory, `${LAUNCHER_CLASS}.java`), LAUNCHER_SOURCE);

  const classPath = [
    path.join(EMULATOR_DIRECTORY, 'DynamoDBLocal.jar'),
    path.join(EMULATOR_DIRECTORY, 'DynamoDBLocal_lib', '*'),
  ].join(path.delimiter);
  const group = await startGroup(
    'DynamoDB Local',
    'java',
    [
      `-Djava.library.path=${path.join(EMULATOR_DIRECTORY, 'DynamoDBLocal_lib')}`,
      '-cp',
      classPath,
      path.join(launcherDirectory, `${LAUNCHER_CLASS}.java`),
      '-inMemory',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
  );

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const stop = async (): Promise<void> => {
    client.destroy();
    await group.stop('SIGTERM', 5000);
    rmSync(launcherDirectory, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(client, group);
  } catch (error) {
    await stop();
    throw error;
  }
  const documentClient = DynamoDBDocumentClient.from(client);
  return { endpoint, client, documentClient, stop };
}

/** Creates a table with the history store's key schema and TTL attribute, and waits for it. */
export async function createHistoryTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: SORT_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: SORT_KEY, KeyType: 'RANGE' },
      ],
    }),
  );
  // The waiter's default minimum delay (20 s) exceeds what DynamoDB Local needs by far.
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

async function waitUntilReady(client: DynamoDBClient, group: ProcessGroup): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (group.exited()) {
      throw new Error(`DynamoDB Local exited before it was ready:\n${group.outputTail()}`);
    }
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local was not ready within ${READY_TIMEOUT_MS} ms (${String(error)}):\n${group.outputTail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
