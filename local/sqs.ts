/**
 * The embedded SQS-protocol server (fauxqs, in memory) with the hub's queues and
 * their dead-letter queues. Its messages do not survive a restart; the table's outbox
 * and the sweeper are what make delivery survive one (DESIGN §8, invariant 1).
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { LOG_QUEUE_SETTINGS, QUEUE_SETTINGS } from "../shared/queue/settings.js";
import type { QueueUrls } from "../shared/queue/sqs.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./dynamo.js";
import { LOOPBACK } from "./loopback.js";

export interface EmbeddedSqs {
  client: SQSClient;
  urls: QueueUrls;
  arns: { fanout: string; delivery: string };
  /** The FIFO queue that wakes the transparency log's writer. */
  log: { url: string; arn: string };
  stop(): Promise<void>;
}

export async function startEmbeddedSqs(): Promise<EmbeddedSqs> {
  // fauxqs's own startFauxqs listens on 0.0.0.0 whatever host it is given, which would
  // open the hub's queues, unauthenticated, to the network: listen on loopback here.
  const app = buildApp({ logger: false, host: LOOPBACK, defaultRegion: LOCAL_REGION });
  const address = await app.listen({ port: 0, host: LOOPBACK });
  const client = new SQSClient({
    endpoint: `http://${LOOPBACK}:${new URL(address).port}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const fanoutDeadLetter = await createQueue(client, "cordon-fanout-dlq", {});
  const deliveryDeadLetter = await createQueue(client, "cordon-delivery-dlq", {});
  const fanout = await createQueue(client, "cordon-fanout", {
    VisibilityTimeout: String(QUEUE_SETTINGS.fanout.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: fanoutDeadLetter.arn,
      maxReceiveCount: QUEUE_SETTINGS.fanout.maxReceiveCount,
    }),
  });
  const delivery = await createQueue(client, "cordon-delivery", {
    VisibilityTimeout: String(QUEUE_SETTINGS.delivery.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deliveryDeadLetter.arn,
      maxReceiveCount: QUEUE_SETTINGS.delivery.maxReceiveCount,
    }),
  });
  const logDeadLetter = await createQueue(client, "cordon-log-dlq.fifo", { FifoQueue: "true" });
  const log = await createQueue(client, "cordon-log.fifo", {
    FifoQueue: "true",
    VisibilityTimeout: String(LOG_QUEUE_SETTINGS.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: logDeadLetter.arn,
      maxReceiveCount: LOG_QUEUE_SETTINGS.maxReceiveCount,
    }),
  });
  return {
    client,
    log,
    urls: {
      fanout: fanout.url,
      delivery: delivery.url,
      fanoutDeadLetter: fanoutDeadLetter.url,
      deliveryDeadLetter: deliveryDeadLetter.url,
    },
    arns: { fanout: fanout.arn, delivery: delivery.arn },
    stop: async () => {
      client.destroy();
      await app.close();
    },
  };
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const created = await client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  const url = created.QueueUrl;
  if (url === undefined) throw new Error(`the local SQS server returned no URL for ${name}`);
  const described = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  const arn = described.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`the local SQS server returned no ARN for ${name}`);
  return { url, arn };
}
