/**
 * Marketing fan-out benchmark: 10,000 new contacts (with consent, three segment rules, the welcome campaign) to
 * HubSpot, Mailchimp, Marketo and ActiveCampaign sandboxes at their real limits (HubSpot 190/10 s, Marketo 100/20 s
 * and 10 concurrent, ActiveCampaign 5/s, Mailchimp 10 connections), paced by the transport's rate windows in a
 * SQLite store. Prints API calls per platform (and by method and path) against the batch-size bound, 429s seen, and wall time against the
 * rate-limit bound. Run: npx tsx test/bench/marketing.bench.ts [contacts] [mailchimp latency ms]
 * (a latency holds each Mailchimp request open that long, so its 10 connections are what bounds it).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MarketingFanOut } from '../../lib/marketing';
import { allMigrations } from '../../lib/migrations';
import { closeAllStores, openStore } from '../../lib/store';
import {
	contact,
	MARKETING_PLATFORMS,
	marketingConnectors,
	marketingTargets,
	marketingTransports,
	seedMarketingSandboxes,
	segmentRules,
	startMarketingSandboxes,
	type MarketingPlatform,
} from '../engine/marketingPlatforms';
import { figureLine } from './report';
import type { SandboxControl } from '../sandbox/framework/controlClient';

const CONTACTS = Number(process.argv[2] ?? 10_000);
const MAILCHIMP_LATENCY_MS = Number(process.argv[3] ?? 0);
const SEGMENTS = segmentRules.length;

/**
 * The fewest calls each vendor allows for N new contacts in S segments with a welcome each, plus one read of its
 * unsubscribes where it reports them: a fan-out reads them first on every such platform (one page when there are none),
 * so a contact who unsubscribed there is not subscribed again anywhere. That read cannot be batched away.
 */
function callBound(platform: MarketingPlatform, n: number, readsUnsubscribes: boolean): number {
	return batchBound(platform, n) + (readsUnsubscribes ? 1 : 0);
}

function batchBound(platform: MarketingPlatform, n: number): number {
	const batches = (size: number) => Math.ceil(n / size);
	switch (platform) {
		case 'hubspot':
			// batch upsert of 100, one membership call per segment and batch, one for the welcome list
			return batches(100) * (1 + SEGMENTS + 1);
		case 'mailchimp':
			// batch subscribe of 500, one static-segment call per segment and batch, one journey trigger per contact
			return batches(500) * (1 + SEGMENTS) + n;
		case 'marketo':
			// push of 300, one list call per segment and batch, campaign requests of 100 leads
			return batches(300) * (1 + SEGMENTS) + batches(100);
		case 'activecampaign':
			// bulk import of 250 with tags, list and the welcome tag
			return batches(250);
		default:
			throw new Error(`No batch-size bound written for ${platform}: add its vendor's batch sizes here`);
	}
}

/** Seconds the vendor's windows force for `calls` requests (the first window's worth goes at once). */
function rateBoundSeconds(platform: MarketingPlatform, calls: number): number {
	// Mailchimp: no request window; 10 connections each held for the latency.
	if (platform === 'mailchimp') return Math.ceil((calls * MAILCHIMP_LATENCY_MS) / 10 / 1000);
	const windows: Record<MarketingPlatform, { capacity: number; seconds: number } | undefined> = {
		hubspot: { capacity: 190, seconds: 10 },
		marketo: { capacity: 100, seconds: 20 },
		activecampaign: { capacity: 5, seconds: 1 },
		mailchimp: undefined,
	};
	const window = windows[platform];
	if (!window) return 0;
	return Math.max(0, Math.ceil(calls / window.capacity) - 1) * window.seconds;
}

async function main(): Promise<void> {
	const platforms = await startMarketingSandboxes();
	const store = await openStore({ kind: 'sqlite', file: path.join(mkdtempSync(path.join(tmpdir(), 'marketing-bench-')), 'state.sqlite') }, allMigrations);
	try {
		await seedMarketingSandboxes(platforms.controls);
		await platforms.controls.mailchimp.updateSettings({ responseDelayMs: MAILCHIMP_LATENCY_MS });
		const transports = marketingTransports(platforms.sandboxes, { store });
		const connectors = marketingConnectors(transports);
		const engine = new MarketingFanOut({ store, targets: marketingTargets(connectors), integration: 'bench', rules: segmentRules });
		const bound = (platform: MarketingPlatform) => callBound(platform, CONTACTS, connectors[platform].unsubscribesSince !== undefined);
		const contacts = Array.from({ length: CONTACTS }, (_, index) => contact(index));

		const started = Date.now();
		const report = await engine.fanOut(contacts);
		const seconds = (Date.now() - started) / 1000;

		const failed = report.contacts.filter((result) => result.status !== 'fanned_out');
		const outcomeFailures = report.contacts.flatMap((result) => result.platforms.filter((entry) => !entry.ok));
		console.log(`Marketing fan-out: ${CONTACTS} contacts × ${MARKETING_PLATFORMS.length} platforms, ${SEGMENTS} segment rules, welcome campaign, Mailchimp latency ${MAILCHIMP_LATENCY_MS} ms; wall ${seconds.toFixed(1)} s`);
		console.log(`contacts not fully fanned out: ${failed.length}; platform failures reaching the workflow: ${outcomeFailures.length}`);
		// calls: every request the transport sent (reads such as the unsubscribe check included, retries included).
		console.log('platform        calls   call-bound   ratio  429s-seen  waited-s  rate-bound-s  welcomed  members');
		for (const platform of MARKETING_PLATFORMS) {
			const stats = transports[platform].stats;
			const summary = report.platforms.find((entry) => entry.platform === platform);
			const members = await memberCount(platforms.controls[platform], platform);
			console.log(
				[
					platform.padEnd(14),
					String(stats.requests).padStart(6),
					String(bound(platform)).padStart(12),
					(stats.requests / bound(platform)).toFixed(3).padStart(7),
					String(stats.rateLimited).padStart(10),
					(stats.waitedMs / 1000).toFixed(1).padStart(9),
					String(rateBoundSeconds(platform, stats.requests)).padStart(13),
					String(summary?.welcomed ?? 0).padStart(9),
					String(members).padStart(8),
				].join(' '),
			);
		}
		for (const platform of MARKETING_PLATFORMS) {
			const kinds = await callsByKind(platforms.controls[platform]);
			const logged = Object.values(kinds).reduce((sum, count) => sum + count, 0);
			const kept = logged < transports[platform].stats.requests ? ` (the sandbox keeps the last ${logged.toLocaleString('en')})` : '';
			console.log(`${platform} calls by kind${kept}: ${JSON.stringify(kinds)}`);
		}
		const rateBound = Math.max(...MARKETING_PLATFORMS.map((platform) => rateBoundSeconds(platform, transports[platform].stats.requests)));
		console.log(`wall time ${seconds.toFixed(1)} s against the slowest platform's rate-limit bound ${rateBound} s (${(seconds / Math.max(rateBound, 1)).toFixed(2)}×)`);
		for (const platform of MARKETING_PLATFORMS) {
			console.log(figureLine(`marketing ${platform}: calls of every kind`, transports[platform].stats.requests, 'calls', bound(platform), connectors[platform].unsubscribesSince ? 'batch bound + unsubscribe read' : 'batch bound'));
		}
		console.log(figureLine('marketing fan-out wall time', seconds, 's', Math.max(rateBound, 1), 'rate-limit bound'));
		const mailchimpPeak = await platforms.controls.mailchimp.state<{ peak: number }>('connections');
		const marketoPeak = await platforms.controls.marketo.state<{ peak: number }>('connections');
		console.log(`peak concurrent connections: Mailchimp ${mailchimpPeak.peak}/10, Marketo ${marketoPeak.peak}/10`);
	} finally {
		await closeAllStores();
		await platforms.close();
	}
}

/** Every request the sandbox saw, by method and path (ids in the path as `:id`). */
async function callsByKind(control: SandboxControl): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const { method, path } of await control.requests()) {
		const kind = `${method} ${path.replace(/\/[^/]*\d[^/]*(?=\/|$)/g, '/:id')}`;
		counts[kind] = (counts[kind] ?? 0) + 1;
	}
	return counts;
}

async function memberCount(control: { state<T>(collection?: string): Promise<T> }, platform: MarketingPlatform): Promise<number> {
	const collection = { hubspot: 'contacts', mailchimp: 'members', marketo: 'leads', activecampaign: 'contacts' }[platform];
	return (await control.state<unknown[]>(collection)).length;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
