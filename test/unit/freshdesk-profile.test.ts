/** Freshdesk's limits follow the credential's plan: the account's minute and the endpoints Freshdesk limits on their own. */
import { platformDefinition } from '../../lib/platforms/catalog';
import { freshdeskPlan } from '../../lib/platforms/freshdesk';

const windows = (values?: Record<string, unknown>) => Object.fromEntries(platformDefinition('freshdesk').profile(values).rateWindows.map((window) => [window.name, window.capacity]));

test.each([
	['trial', { minute: 50, ticket_create: 50, ticket_update: 50, tickets_list: 50, contacts_list: 50 }],
	['growth', { minute: 200, ticket_create: 80, ticket_update: 80, tickets_list: 20, contacts_list: 20 }],
	['pro', { minute: 400, ticket_create: 160, ticket_update: 160, tickets_list: 100, contacts_list: 100 }],
	['enterprise', { minute: 700, ticket_create: 280, ticket_update: 280, tickets_list: 200, contacts_list: 200 }],
])('%s: per-minute windows', (plan, expected) => {
	expect(windows({ plan })).toEqual(expected);
});

test('no plan set is Growth; a plan Freshdesk has not is an error naming the field', () => {
	expect(windows()).toEqual(windows({ plan: 'growth' }));
	expect(() => freshdeskPlan('gold')).toThrow('Freshdesk credential: Plan (plan) must be one of trial, growth, pro, enterprise, got "gold"');
	expect(() => freshdeskPlan(3)).toThrow(/Plan \(plan\)/);
});

test('each endpoint class is recognised by method and path: a ticket update is not a ticket list', () => {
	const classes = platformDefinition('freshdesk').profile().endpointClasses ?? [];
	const classOf = (method: string, path: string) => classes.find((entry) => (!entry.method || entry.method === method) && entry.path.test(path))?.name;
	expect([
		classOf('POST', '/api/v2/tickets'), classOf('PUT', '/api/v2/tickets/12'), classOf('GET', '/api/v2/tickets'), classOf('GET', '/api/v2/contacts'),
		classOf('GET', '/api/v2/tickets/12/conversations'), classOf('POST', '/api/v2/tickets/12/reply'),
	]).toEqual(['ticket_create', 'ticket_update', 'tickets_list', 'contacts_list', undefined, undefined]);
});
