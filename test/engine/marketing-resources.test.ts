/**
 * What the editor's marketing pickers list, read from the sandboxes through each platform's transport: the seeded
 * audience, lists, campaigns, automations, tags and subscription types by name, the search box's filter, and the
 * vendors' paging carried through the cursor until the last page.
 */
import { platformDefinition } from '../../lib/platforms/catalog';
import type { ResourceOption } from '../../lib/platforms/resources';
import type { Transport } from '../../lib/transport';
import { scratchStore } from '../support/standalone';
import { marketingTransports, seedMarketingSandboxes, startMarketingSandboxes, type MarketingPlatform, type MarketingSandboxes } from './marketingPlatforms';

let platforms: MarketingSandboxes;
let transports: Record<MarketingPlatform, Transport>;

beforeAll(async () => {
	platforms = await startMarketingSandboxes();
	transports = marketingTransports(platforms.sandboxes, { store: await scratchStore() });
});
beforeEach(() => seedMarketingSandboxes(platforms.controls));
afterAll(() => platforms.close());

async function list(platform: MarketingPlatform, kind: string, filter?: string): Promise<ResourceOption[]> {
	const lister = platformDefinition(platform).resources?.[kind];
	if (!lister) throw new Error(`${platform} lists no ${kind}`);
	const options: ResourceOption[] = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const page = await lister(transports[platform], { filter, cursor });
		options.push(...page.options);
		cursor = page.next;
		if (++pages > 20) throw new Error('the cursor never ended');
	} while (cursor);
	return options;
}

test('each picker lists what the marketers set up, by name, with the id the engine needs', async () => {
	await platforms.controls.activecampaign.seed({ tags: [{ tag: 'welcome' }, { tag: 'vip' }] });
	expect(await list('mailchimp', 'audiences')).toEqual([{ id: 'a1b2c3d4e5', name: 'Newsletter' }]);
	expect(await list('marketo', 'campaigns')).toEqual([
		{ id: '7100', name: 'Welcome' },
		{ id: '7200', name: 'Lead nurture' },
		{ id: '7201', name: 'Remove from nurture flow' },
		{ id: '7300', name: 'Win back' },
	]);
	expect(await list('activecampaign', 'lists')).toEqual([{ id: '3', name: 'Newsletter' }]);
	expect(await list('activecampaign', 'automations')).toEqual([
		{ id: '11', name: 'Welcome series' },
		{ id: '12', name: 'Lead nurture' },
		{ id: '13', name: 'Win back' },
	]);
	// The welcome tag is added by name, so its name is what the picker gives the engine.
	expect(await list('activecampaign', 'tags', 'wel')).toEqual([{ id: 'welcome', name: 'welcome' }]);
	expect((await list('hubspot', 'subscriptionTypes')).map((option) => option.id)).toContain('7001');
});

test('HubSpot lists are searched by HubSpot, and the welcome list is given to the engine by its name', async () => {
	for (const name of ['Welcome', 'Welcome Back', 'Churned']) {
		await transports.hubspot.request({ method: 'POST', url: '/crm/v3/lists', body: { name, objectTypeId: '0-1', processingType: 'MANUAL' } });
	}
	expect(await list('hubspot', 'lists', 'welc')).toEqual([
		{ id: 'Welcome', name: 'Welcome' },
		{ id: 'Welcome Back', name: 'Welcome Back' },
	]);
});

test("HubSpot's contact workflows that are turned on are listed through the Automation API v4, page by page, by the ids enrolment takes", async () => {
	// The fixture's nurture (8101) and retention (8102) workflows, plus ones that cannot enrol a contact.
	await platforms.controls.hubspot.seed({
		workflows: [
			{ id: '8103', name: 'Old nurture', isEnabled: false },
			{ id: '8104', name: 'Deal follow-up', objectTypeId: '0-3' },
			...Array.from({ length: 120 }, (_, index) => ({ id: String(9000 + index), name: `Campaign flow ${index}` })),
		],
	});
	const workflows = await list('hubspot', 'contactWorkflows');
	expect(workflows.slice(0, 2)).toEqual([
		{ id: '8101', name: 'Lead nurture' },
		{ id: '8102', name: 'Win back' },
	]);
	// 2 + 120 contact workflows turned on, over two pages of 100 flows.
	expect(workflows).toHaveLength(122);
	expect(workflows.map((option) => option.id)).not.toEqual(expect.arrayContaining(['8103']));
	expect(workflows.map((option) => option.id)).not.toEqual(expect.arrayContaining(['8104']));
	expect(await list('hubspot', 'contactWorkflows', 'win')).toEqual([{ id: '8102', name: 'Win back' }]);
});

test('a long list is read page by page to its end, and the search box filters it', async () => {
	const lists = Array.from({ length: 230 }, (_, index) => ({ id: String(100 + index), name: `List ${index}` }));
	await platforms.controls.activecampaign.seed({ lists });
	const all = await list('activecampaign', 'lists');
	expect(all).toHaveLength(231);
	expect(new Set(all.map((option) => option.id)).size).toBe(231);
	expect((await list('activecampaign', 'lists', 'list 22')).map((option) => option.name)).toEqual(['List 22', 'List 220', 'List 221', 'List 222', 'List 223', 'List 224', 'List 225', 'List 226', 'List 227', 'List 228', 'List 229']);
	const campaigns = Array.from({ length: 450 }, (_, index) => ({ id: 8000 + index, name: `Campaign ${index}` }));
	await platforms.controls.marketo.seed({ campaigns });
	expect(await list('marketo', 'campaigns')).toHaveLength(454);
});

test('a refused credential surfaces as the vendor error, not an empty list', async () => {
	const lister = platformDefinition('mailchimp').resources!.audiences;
	const refusing = marketingTransports({ ...platforms.sandboxes, mailchimp: { ...platforms.sandboxes.mailchimp, credentials: { apiKey: 'wrong-us21' } } }, { store: await scratchStore() }).mailchimp;
	await expect(lister(refusing, {})).rejects.toThrow(/401|API key/i);
});
