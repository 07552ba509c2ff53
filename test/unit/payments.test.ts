/** Routing (rules, scoring, circuits), decline classification, money, keys and signatures: pure parts of payments. */
import { createHmac } from 'node:crypto';

import { decideRoute, defaultRoutingConfig, verifyPaymentEvent, type ProcessorHealth, type RoutingInput } from '../../lib/payments';
import { verifySquareSignature } from '../../lib/platforms/square';
import { verifyStripeSignature } from '../../lib/platforms/stripe';
import { braintreeFailures } from '../../lib/platforms/braintree';
import { classifyCode, failureFromError, idempotencyKeyFor } from '../../lib/platforms/payments';
import { PayPalOAuthClient, payPalFailures } from '../../lib/platforms/paypal';
import { squareFailures } from '../../lib/platforms/square';
import { stripeFailures } from '../../lib/platforms/stripe';
import { PlatformApiError, type HttpRequest, type HttpResponse } from '../../lib/transport';

const allTokens = { '*': 'tok' };
const now = Date.UTC(2026, 0, 1);

function input(overrides: Partial<RoutingInput> & { tokens?: Record<string, string> } = {}): RoutingInput {
	const tokens: Record<string, string> = overrides.tokens ?? allTokens;
	return { paymentId: 'p-1', amountMinor: 2000, currency: 'USD', country: 'US', method: 'card', tokenFor: (processor) => tokens[processor] ?? tokens['*'], ...overrides };
}

describe('scoring', () => {
	test('ranks by weighted factors whose contributions add up to the score', () => {
		const { ranking, order } = decideRoute(input(), defaultRoutingConfig(), {}, now);
		expect(order).toEqual(['stripe', 'square', 'braintree', 'paypal']);
		for (const entry of ranking) {
			const sum = Object.values(entry.factors!).reduce((total, factor) => total + factor.contribution, 0);
			expect(sum).toBeCloseTo(entry.score, 3);
		}
		expect(ranking[0].factors!.fees).toMatchObject({ value: 88, normalized: 1, weight: 0.4 });
		expect(ranking.find((entry) => entry.processor === 'paypal')!.feeMinor).toBe(49 + 70);
	});

	test('fees are configured per currency', () => {
		const eur = decideRoute(input({ currency: 'EUR', country: 'DE' }), defaultRoutingConfig(), {}, now);
		expect(eur.ranking.find((entry) => entry.processor === 'stripe')!.feeMinor).toBe(25 + 30);
	});

	test('unsupported currencies, methods and missing tokens make a processor ineligible, with the reason', () => {
		const { ranking, order } = decideRoute(input({ currency: 'CHF', method: 'paypal', tokens: { paypal: 't', square: 't' } }), defaultRoutingConfig(), {}, now);
		expect(order).toEqual(['paypal']);
		expect(ranking.find((entry) => entry.processor === 'square')!.notes).toEqual(['does not take CHF', 'does not take paypal payments']);
		expect(ranking.find((entry) => entry.processor === 'stripe')!.notes).toContain('no payment-method token for it');
	});

	test('a low learned success rate moves a processor down', () => {
		const health: Record<string, ProcessorHealth> = { stripe: { successRate: 0.4, latencyMs: 400, samples: 30, openUntilMs: 0 } };
		expect(decideRoute(input(), defaultRoutingConfig(), health, now).order[0]).toBe('square');
	});

	test('the country factor favours processors that serve the payer locally', () => {
		const config = defaultRoutingConfig({ weights: { fees: 0, successRate: 0, speed: 0, country: 1 } });
		const { ranking } = decideRoute(input({ country: 'BR' }), config, {}, now);
		expect(ranking.find((entry) => entry.processor === 'square')!.factors!.country.value).toBe(0);
		expect(ranking[0].factors!.country.value).toBe(1);
	});
});

describe('rules', () => {
	test('a pin for a country puts its processor first, the rest stay as fallbacks', () => {
		const config = defaultRoutingConfig({ rules: [{ type: 'pin', processor: 'paypal', when: { countries: ['DE'] } }] });
		expect(decideRoute(input({ country: 'DE', currency: 'EUR' }), config, {}, now).order).toEqual(['paypal', 'stripe', 'braintree', 'square']);
		expect(decideRoute(input(), config, {}, now).order[0]).toBe('stripe');
	});

	test('a pin for an amount range', () => {
		const config = defaultRoutingConfig({ rules: [{ type: 'pin', processor: 'braintree', when: { minAmount: 1000 } }] });
		expect(decideRoute(input({ amountMinor: 150_000 }), config, {}, now).order[0]).toBe('braintree');
		expect(decideRoute(input({ amountMinor: 99_999 }), config, {}, now).order[0]).toBe('stripe');
	});

	test('exclude removes a processor', () => {
		const config = defaultRoutingConfig({ rules: [{ type: 'exclude', processor: 'stripe', when: { methods: ['card'] } }] });
		const { ranking, order } = decideRoute(input(), config, {}, now);
		expect(order).not.toContain('stripe');
		expect(ranking.find((entry) => entry.processor === 'stripe')!.notes).toContain('excluded by a rule');
	});

	test('a split sends its share of payments to each processor, the same payment always the same way', () => {
		const config = defaultRoutingConfig({ rules: [{ type: 'split', shares: { square: 30, stripe: 70 } }] });
		const firsts = Array.from({ length: 2000 }, (_, index) => decideRoute(input({ paymentId: `split-${index}` }), config, {}, now).order[0]);
		const squareShare = firsts.filter((processor) => processor === 'square').length / firsts.length;
		expect(squareShare).toBeGreaterThan(0.26);
		expect(squareShare).toBeLessThan(0.34);
		expect(decideRoute(input({ paymentId: 'split-7' }), config, {}, now).order[0]).toBe(firsts[7]);
	});
});

describe('circuit breaker', () => {
	const open: Record<string, ProcessorHealth> = { stripe: { successRate: 0.2, latencyMs: 400, samples: 10, openUntilMs: now + 30_000 } };

	test('an open circuit keeps a processor out, except for the probe share, which tries it first', () => {
		const config = defaultRoutingConfig({ health: { ...defaultRoutingConfig().health, probeShare: 0.1 } });
		const decisions = Array.from({ length: 1000 }, (_, index) => decideRoute(input({ paymentId: `c-${index}` }), config, open, now));
		const probes = decisions.filter((decision) => decision.order[0] === 'stripe');
		const skipped = decisions.filter((decision) => !decision.order.includes('stripe'));
		expect(probes.length + skipped.length).toBe(1000);
		expect(probes.length / 1000).toBeGreaterThan(0.07);
		expect(probes.length / 1000).toBeLessThan(0.13);
		expect(skipped[0].ranking.find((entry) => entry.processor === 'stripe')!.notes[0]).toMatch(/circuit open until/);
	});

	test('after the cool-down the processor is back in rotation', () => {
		const decision = decideRoute(input({ paymentId: 'c-1' }), defaultRoutingConfig(), open, now + 31_000);
		expect(decision.order).toContain('stripe');
	});
});

describe('decline and error codes as data', () => {
	test.each([
		['stripe', 'insufficient_funds', 'hard_decline', stripeFailures],
		['stripe', 'incorrect_cvc', 'hard_decline', stripeFailures],
		['stripe', 'stolen_card', 'hard_decline', stripeFailures],
		['stripe', 'processing_error', 'processor_failure', stripeFailures],
		['stripe', 'idempotency_error', 'unknown', stripeFailures],
		['square', 'CVV_FAILURE', 'hard_decline', squareFailures],
		['square', 'INSUFFICIENT_FUNDS', 'hard_decline', squareFailures],
		['square', 'IDEMPOTENCY_KEY_REUSED', 'unknown', squareFailures],
		['paypal', 'INSTRUMENT_DECLINED', 'hard_decline', payPalFailures],
		['paypal', 'DUPLICATE_INVOICE_ID', 'unknown', payPalFailures],
		['braintree', '2001', 'hard_decline', braintreeFailures],
		['braintree', '2999', 'hard_decline', braintreeFailures],
		['braintree', '3000', 'processor_failure', braintreeFailures],
		['braintree', 'APPLICATION_INCOMPLETE', 'processor_failure', braintreeFailures],
	])('%s %s → %s', (_processor, code, kind, table) => {
		expect(classifyCode(table, code)).toBe(kind);
	});

	test('no answer is unknown, unless the connection was never made', () => {
		const error = (code: string) => new PlatformApiError({ platform: 'stripe', message: 'no response', code, retryable: false, attempts: 1 });
		expect(failureFromError(error('ECONNRESET'), stripeFailures).outcome).toBe('unknown');
		expect(failureFromError(error('ETIMEDOUT'), stripeFailures).outcome).toBe('unknown');
		expect(failureFromError(error('ECONNREFUSED'), stripeFailures).outcome).toBe('processor_failure');
	});

	test('an unknown card error is a hard decline; an unknown server error is a processor failure', () => {
		const answered = (status: number) => new PlatformApiError({ platform: 'stripe', message: 'x', status, retryable: false, attempts: 1 });
		expect(failureFromError(answered(402), stripeFailures, 'brand_new_code', true).outcome).toBe('hard_decline');
		expect(failureFromError(answered(503), stripeFailures).outcome).toBe('processor_failure');
	});
});

describe('keys', () => {
	test('idempotency keys are stable per payment and processor and fit Square’s 45 characters', () => {
		const key = idempotencyKeyFor('order-1', 'stripe');
		expect(key).toBe(idempotencyKeyFor('order-1', 'stripe'));
		expect(key).not.toBe(idempotencyKeyFor('order-1', 'square'));
		expect(idempotencyKeyFor('x'.repeat(500), 'braintree').length).toBeLessThanOrEqual(45);
	});
});

describe('webhook signatures', () => {
	const body = '{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}';
	const stamp = Math.floor(now / 1000);
	const stripeHeader = (secret: string, t = stamp) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

	test('Stripe-Signature: genuine passes; wrong secret, changed body, old stamp and no header fail', () => {
		expect(verifyStripeSignature(stripeHeader('whsec_1'), body, 'whsec_1', now)).toEqual({ valid: true });
		expect(verifyStripeSignature(stripeHeader('whsec_2'), body, 'whsec_1', now).valid).toBe(false);
		expect(verifyStripeSignature(stripeHeader('whsec_1'), body.replace('1', '2'), 'whsec_1', now).valid).toBe(false);
		expect(verifyStripeSignature(stripeHeader('whsec_1', stamp - 301), body, 'whsec_1', now)).toEqual({ valid: false, reason: 'Stripe-Signature timestamp outside the tolerance' });
		expect(verifyStripeSignature(undefined, body, 'whsec_1', now).valid).toBe(false);
	});

	test('Square signs notification URL + body', () => {
		const url = 'https://n8n.example.com/webhook/payments/square-events';
		const signature = createHmac('sha256', 'sq-key').update(url + body).digest('base64');
		expect(verifySquareSignature(signature, url, body, 'sq-key')).toEqual({ valid: true });
		expect(verifySquareSignature(signature, 'https://elsewhere.example.com/hook', body, 'sq-key').valid).toBe(false);
	});

	test('a delivery is checked against the header its processor signs in', () => {
		const url = 'https://n8n.example.com/webhook/payments/square-events';
		const squareBody = '{"event_id":"ev-1","type":"payment.updated","merchant_id":"M1","data":{"type":"payment","id":"p1"}}';
		const squareSignature = createHmac('sha256', 'sq-key').update(url + squareBody).digest('base64');
		expect(verifyPaymentEvent('stripe', { headers: { 'stripe-signature': stripeHeader('whsec_1') }, rawBody: body, nowMs: now }, 'whsec_1')).toEqual({ valid: true, event: JSON.parse(body) });
		expect(verifyPaymentEvent('square', { headers: { 'x-square-hmacsha256-signature': squareSignature }, rawBody: squareBody, notificationUrl: url, nowMs: now }, 'sq-key')).toEqual({ valid: true, event: JSON.parse(squareBody) });
		expect(verifyPaymentEvent('square', { headers: { 'stripe-signature': squareSignature }, rawBody: squareBody, notificationUrl: url, nowMs: now }, 'sq-key')).toEqual({ valid: false, signed: false, reason: 'no x-square-hmacsha256-signature header' });
	});
});

describe('PayPal OAuth client', () => {
	test('fetches a token once, reuses it, and fetches a new one when PayPal answers 401', async () => {
		const sent: HttpRequest[] = [];
		let issued = 0;
		let valid = '';
		const inner = {
			async send(request: HttpRequest): Promise<HttpResponse> {
				sent.push(request);
				if (request.url.endsWith('/v1/oauth2/token')) {
					valid = `token-${++issued}`;
					return { status: 200, headers: {}, body: { access_token: valid, expires_in: 32_400 } };
				}
				return { status: request.headers?.authorization === `Bearer ${valid}` ? 200 : 401, headers: {}, body: {} };
			},
		};
		const client = new PayPalOAuthClient({ baseUrl: 'http://paypal.test', clientId: 'id', clientSecret: 'secret' }, inner);
		expect((await client.send({ method: 'GET', url: 'http://paypal.test/v2/a' })).status).toBe(200);
		expect((await client.send({ method: 'GET', url: 'http://paypal.test/v2/b' })).status).toBe(200);
		expect(issued).toBe(1);
		valid = 'revoked';
		expect((await client.send({ method: 'GET', url: 'http://paypal.test/v2/c' })).status).toBe(200);
		expect(issued).toBe(2);
		expect(sent[0].headers?.authorization).toBe(`Basic ${Buffer.from('id:secret').toString('base64')}`);
	});
});
