/**
 * For SDKs that only know their vendor's HTTPS hosts (PayPal's server SDK has no base-URL option): an agent that
 * sends the SDK's `https://` requests, unencrypted, to a sandbox on loopback. Pass it where the SDK takes an
 * `httpsAgent`; the request keeps its path and its vendor Host header, which the sandbox ignores.
 */
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';

export class SandboxHttpsAgent extends Agent {
	constructor(private readonly port: number, private readonly host = '127.0.0.1') {
		super({ keepAlive: false });
		// Node checks that an agent given to https.request speaks https; this one only pretends to.
		(this as unknown as { protocol: string }).protocol = 'https:';
	}

	override createConnection(): Socket {
		return connect(this.port, this.host);
	}
}
