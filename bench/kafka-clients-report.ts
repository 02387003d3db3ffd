import { clientPair, kafkaClientsTable, type KafkaClientsSection } from './kafka-clients';
import { fmt } from './lib/measure';
import { md, type SectionReport, type TargetRow } from './lib/section-report';

export const kafkaClientsReport: SectionReport<KafkaClientsSection> = {
  render: (k, run) => {
    const alone = 'BENCH_SECTIONS=kafka-clients npm run bench';
    return [
      '### 9. Kafka clients: kafkajs and @platformatic/kafka behind the same driver port',
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${run.machine.cpus} cores (${run.machine.model}), Node ${run.machine.node}, one broker on 127.0.0.1, both clients in the bench's process through libs/kafka's driver port (the adapters the conformance spec runs). Produce: one idempotent acks=all producer per client, ${k.senders} sends of ${k.batch} keyed messages (${k.valueBytes}-byte JSON values, two headers) in flight, into a ${k.partitions}-partition topic of its own. Consume: a new group member reads that topic from its start, committing after each fetched batch; the time runs from its joining the group to the commit covering the last message. Relay: the real outbox relay (OutboxRelay, EventPublisher on the client's producer) at ${k.relayRate} appends/s (one event each, open loop); commit → ack is from the append's commit to the broker's acknowledgement of the batch holding it. Each phase gives each client two turns of ${k.seconds / 2} s (kafkajs, platformatic, platformatic, kafkajs), so that load from elsewhere falls on both; the figures add up both turns.`,
      '',
      md(kafkaClientsTable(k)),
      '',
    ];
  },
  targets: (k) => kafkaClientsTargets(k),
};

function kafkaClientsTargets(k: KafkaClientsSection): TargetRow[] {
  const [a, b] = clientPair(k);
  const row = (what: string, ours: string, baseline: string, ratio: number): TargetRow => ({
    section: 'kafka-clients',
    what,
    ours,
    baseline,
    ratio: fmt.ratio(ratio),
    target: '(info)',
    met: undefined,
  });
  return [
    row(
      'produce messages/s, @platformatic/kafka ÷ kafkajs (idempotent, acks=all)',
      fmt.rate(b.produce.rate),
      fmt.rate(a.produce.rate),
      b.produce.rate / a.produce.rate,
    ),
    row(
      'consume messages/s, @platformatic/kafka ÷ kafkajs (manual commits)',
      fmt.rate(b.consume.rate),
      fmt.rate(a.consume.rate),
      b.consume.rate / a.consume.rate,
    ),
    row(
      `relay commit → ack p99 at ${k.relayRate}/s, @platformatic/kafka ÷ kafkajs`,
      `${fmt.ms(b.relay.p99)} ms`,
      `${fmt.ms(a.relay.p99)} ms`,
      b.relay.p99 / a.relay.p99,
    ),
  ];
}
