/**
 * What Smart Payment Router's plan pickers list, read from the processors' sandboxes through each platform's transport:
 * Stripe's active recurring prices (`GET /v1/prices`), PayPal's active billing plans (`GET /v1/billing/plans`), Square's
 * subscription plan variations (ListCatalog `types=SUBSCRIPTION_PLAN_VARIATION`) and Braintree's plans (the gateway's
 * plan list), each named with what it bills, searched by the search box, and paged through the vendor's cursor.
 */
import { platformDefinition } from '../../lib/platforms/catalog';
import { standalonePlatforms } from '../../lib/platforms/catalog/standalonePlatforms';
import type { ResourceOption } from '../../lib/platforms/resources';
import { SandboxControl } from '../sandbox/framework/controlClient';
import { startSandbox, type RunningSandbox } from '../sandbox/registry';
import { sandboxAccount } from '../support/standalone';

const processors = ['stripe', 'paypal', 'square', 'braintree'] as const;
type Processor = (typeof processors)[number];
const sandboxes = {} as Record<Processor, RunningSandbox>;

beforeAll(async () => {
	const started = await Promise.all(processors.map((processor) => startSandbox(processor)));
	processors.forEach((processor, index) => (sandboxes[processor] = started[index]));
});
afterAll(async () => {
	await Promise.all(Object.values(sandboxes).map((sandbox) => sandbox.close()));
});
beforeEach(async () => {
	await Promise.all(Object.values(sandboxes).map((sandbox) => new SandboxControl(sandbox.baseUrl).reset()));
});

/** Every page of the processor's plan list (the kind its payments capability declares), and how many pages it took. */
async function plans(processor: Processor, filter?: string, credentials: Record<string, unknown> = sandboxes[processor].credentials): Promise<{ options: ResourceOption[]; pages: number }> {
	const definition = platformDefinition(processor);
	const lister = definition.resources?.[definition.payments?.plans?.resource ?? ''];
	if (!lister) throw new Error(`${processor} declares no plan list`);
	const { transport, settings } = await standalonePlatforms([sandboxAccount(processor, sandboxes[processor].baseUrl, credentials)]).connect(processor);
	const options: ResourceOption[] = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const page = await lister(transport, { filter, cursor }, settings);
		options.push(...page.options);
		cursor = page.next;
		if (++pages > 20) throw new Error('the cursor never ended');
	} while (cursor);
	return { options, pages };
}

const names = async (processor: Processor, filter?: string) => (await plans(processor, filter)).options.map((option) => [option.id, option.name]);

test("Stripe: the active recurring prices, newest first, each named by its nickname and what it bills (no archived price, no one-time fee)", async () => {
	expect(await names('stripe')).toEqual([
		['price_pro_monthly', 'Pro monthly (29.00 USD / month)'],
		['price_basic_monthly', 'Basic monthly (9.00 USD / month)'],
	]);
	expect(await names('stripe', 'basic')).toEqual([['price_basic_monthly', 'Basic monthly (9.00 USD / month)']]);
	expect((await plans('stripe')).options[0].url).toBe('https://dashboard.stripe.com/prices/price_pro_monthly');
});

test('PayPal: the ACTIVE billing plans by name (a deactivated plan, which PayPal refuses to subscribe to, is left out)', async () => {
	expect(await names('paypal')).toEqual([
		['P-BASIC-MONTHLY', 'Basic monthly'],
		['P-PRO-MONTHLY', 'Pro monthly'],
	]);
	expect(await names('paypal', 'PRO')).toEqual([['P-PRO-MONTHLY', 'Pro monthly']]);
});

test("Square: the catalog's subscription plan variations, each with its phase's price and cadence", async () => {
	expect(await names('square')).toEqual([
		['SQ-PLAN-BASIC-MONTHLY', 'Basic monthly (9.00 USD / month)'],
		['SQ-PLAN-PRO-MONTHLY', 'Pro monthly (29.00 USD / month)'],
		['SQ-PLAN-PRO-ANNUAL', 'Pro annual (290.00 USD / year)'],
	]);
	expect(await names('square', 'annual')).toEqual([['SQ-PLAN-PRO-ANNUAL', 'Pro annual (290.00 USD / year)']]);
});

test("Braintree: the Control Panel's plans from the gateway's list, each with its price; without the merchant id, an error naming it", async () => {
	expect(await names('braintree')).toEqual([
		['bt-basic-monthly', 'Basic monthly (9.00 USD / month)'],
		['bt-pro-monthly', 'Pro monthly (29.00 USD / month)'],
	]);
	expect(await names('braintree', 'pro')).toEqual([['bt-pro-monthly', 'Pro monthly (29.00 USD / month)']]);
	const { merchantId: _merchantId, ...withoutMerchant } = sandboxes.braintree.credentials;
	await expect(plans('braintree', undefined, withoutMerchant)).rejects.toThrow(/Merchant ID/);
});

test("each list is paged through the vendor's own cursor: Stripe's starting_after, PayPal's page number", async () => {
	// One price a page and one plan a page: the lister's next cursor carries on from the page it got.
	const stripe = platformDefinition('stripe').resources!.prices;
	const { transport } = await standalonePlatforms([sandboxAccount('stripe', sandboxes.stripe.baseUrl, sandboxes.stripe.credentials)]).connect('stripe');
	const first = await stripe(transport, {});
	expect(first.next).toBeUndefined();
	const page = await fetch(`${sandboxes.stripe.baseUrl}/v1/prices?active=true&type=recurring&limit=1&starting_after=price_pro_monthly`, { headers: { authorization: `Bearer ${String(sandboxes.stripe.credentials.secretKey)}` } });
	expect(((await page.json()) as { data: Array<{ id: string }>; has_more: boolean })).toMatchObject({ data: [{ id: 'price_basic_monthly' }], has_more: false });
	const paypal = platformDefinition('paypal').resources!.billingPlans;
	const { transport: payPalTransport } = await standalonePlatforms([sandboxAccount('paypal', sandboxes.paypal.baseUrl, sandboxes.paypal.credentials)]).connect('paypal');
	expect(await paypal(payPalTransport, { cursor: '2' })).toEqual({ options: [], next: undefined });
});
