/**
 * One racing process of the metering concurrency test (run with `node --import tsx`). It opens the store, waits for
 * the common start instant, then records the shared event set in its own shuffled order and batch sizes, and prints
 * its tally as one JSON line. Env: METER_STORE (StoreConfig JSON), METER_WORKER, METER_START_AT (epoch ms).
 */
import { allMigrations } from '../../lib/migrations';
import { UsageMeter } from '../../lib/metering';
import { closeAllStores, openStore, type StoreConfig } from '../../lib/store';
import { raceEvents, racePlan, raceShuffle } from './metering.race';

async function main(): Promise<void> {
	const worker = Number(process.env.METER_WORKER);
	const store = await openStore(JSON.parse(process.env.METER_STORE ?? '') as StoreConfig, allMigrations);
	const meter = new UsageMeter({ db: store.db, namespace: 'race', alertThresholds: [50, 80, 100] });
	const events = raceShuffle(raceEvents(racePlan()), worker);
	await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(process.env.METER_START_AT) - Date.now())));
	let recorded = 0;
	let duplicates = 0;
	const alerts: string[] = [];
	for (let offset = 0, batch = 1; offset < events.length; offset += batch, batch = 1 + ((batch * 7 + worker) % 23)) {
		const result = await meter.record(events.slice(offset, offset + batch));
		recorded += result.outcomes.filter((outcome) => outcome.status === 'recorded').length;
		duplicates += result.outcomes.filter((outcome) => outcome.status === 'duplicate').length;
		alerts.push(...result.alerts.map((alert) => `${alert.customerId}/${alert.meter}/${alert.thresholdPercent}`));
	}
	await closeAllStores();
	process.stdout.write(`${JSON.stringify({ recorded, duplicates, alerts })}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
