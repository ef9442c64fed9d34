import { Scope, Type, UseInterceptors } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { providerGraph } from '@userscope/runtime';
import { SessionAdmissionInterceptor } from './session-admission.interceptor';

// One for the process: it holds no state, so apps sharing a controller class share it too.
const admissionInterceptor = new SessionAdmissionInterceptor();
const admitted = new WeakSet<Type<object>>();

/**
 * Puts the admission interceptor on every request-scoped controller of the app (the host's and
 * plugins'), so each of their requests runs inside its user's slot. Per controller, not global: a
 * global interceptor costs every request of the app, /generate included, about a third of its
 * throughput (bench/). Nest reads the metadata when it registers routes, at init: call this before.
 */
export function admitRequestScopedControllers(modules: ModulesContainer): Type<object>[] {
  const controllers = providerGraph(modules)
    .filter((node) => node.kind === 'controller' && (node.scope === Scope.REQUEST || node.isPerContext))
    .map((node) => node.token as Type<object>);
  for (const controller of controllers) {
    if (admitted.has(controller)) continue;
    admitted.add(controller);
    UseInterceptors(admissionInterceptor)(controller);
  }
  return controllers;
}
