// `npm run simulator`: the RunComfy simulator as a standalone server, for trying the app, the
// CLI or curl against a fake API. Prints its URL, the demo key and an example; runs until
// Ctrl-C (SIGINT) or SIGTERM, then closes every connection and exits 0.
import { HELP, optionsFromArgs } from './cli-options';
import { startSimulator } from './server';
import type { SimulatorOptions } from './types';
import { DEMO_API_KEY } from './types';

async function main(): Promise<void> {
  let options: SimulatorOptions | 'help';
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    console.error(
      `${error instanceof Error ? error.message : String(error)}. Run with --help for the options.`,
    );
    process.exit(2);
  }
  if (options === 'help') {
    console.log(HELP);
    return;
  }
  const sim = await startSimulator(options);
  const model = 'kling/kling-3.0/standard/image-to-video';
  console.log(`RunComfy simulator listening on ${sim.url}`);
  console.log(`API key: ${DEMO_API_KEY}`);
  console.log('Example:');
  console.log(
    `  curl -s -X POST ${sim.url}/v1/models/${model} \\\n` +
      `    -H "Authorization: Bearer ${DEMO_API_KEY}" -H "Content-Type: application/json" \\\n` +
      `    -d '{"prompt":"a slow dolly shot","start_image_url":"https://example.com/cat.jpg","duration":5,"generate_audio":false}'`,
  );
  console.log(
    `  curl -s ${sim.url}/v1/requests/<request_id>/status -H "Authorization: Bearer ${DEMO_API_KEY}"`,
  );
  console.log(
    `  curl -s "${sim.url}/v1/models?category=image-to-video&include_schema=true" -H "Authorization: Bearer ${DEMO_API_KEY}"`,
  );
  console.log(`  curl -s ${sim.url}/prod/v2/balance -H "Authorization: Bearer ${DEMO_API_KEY}"`);
  console.log(`Top up the demo key (ends a "no balance" pause; not a RunComfy endpoint):`);
  console.log(`  curl -s -X POST ${sim.url}/_simulator/credit -d '{"add_usd": 20}'`);
  const outage = sim.ledger.environment?.outage;
  if (outage)
    // Seeded unless --download-outage-at-ms was given: say when, so a run can be read against it.
    console.log(
      `Download outage (${outage.kind}): ${new Date(outage.from).toISOString()} to ${new Date(outage.to).toISOString()}`,
    );
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const { submits, charges } = sim.ledger;
    const spent = charges.reduce((sum, c) => sum + c.usd, 0);
    console.log(
      `\n${signal}: stopping. ${submits.length} submits, ${charges.length} billed jobs, $${spent.toFixed(3)} charged.`,
    );
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Could not close the simulator cleanly: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`The simulator could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
