/**
 * Every HTTP method Node's parser accepts, so a route can answer 405 to all but its own.
 * Fastify routes only the methods it knows (GET, HEAD, TRACE, DELETE, OPTIONS, PATCH, PUT, POST by
 * default); any other method (PROPFIND, QUERY, …) would miss every route and fall to the app's
 * 404 handler, outside the error structure a caller expects. `everyMethodBut` teaches the instance
 * the missing ones (bodyless: their bodies are not read) and returns the full list minus `except`.
 * CONNECT is left out: Node hands it to the server's `connect` event, never to a route.
 */
import { METHODS } from 'node:http';
import type { FastifyInstance } from 'fastify';

export function everyMethodBut(app: FastifyInstance, ...except: string[]): string[] {
  const wanted = METHODS.filter((m) => m !== 'CONNECT');
  const known = new Set(app.supportedMethods);
  for (const method of wanted) if (!known.has(method)) app.addHttpMethod(method);
  const skip = new Set(except.map((m) => m.toUpperCase()));
  return wanted.filter((m) => !skip.has(m));
}
