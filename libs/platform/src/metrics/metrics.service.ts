import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; `/metrics` exposes them. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly commandsHandled = new Counter({ name: 'commands_handled_total', help: 'Commands handled successfully', labelNames: ['command'], registers: [this.registry] });
  readonly commandsRejected = new Counter({
    name: 'commands_rejected_total',
    help: 'Commands rejected (rule violations, conflicts, bad input)',
    labelNames: ['command', 'code'],
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({ name: 'events_appended_total', help: 'Events appended to the log', labelNames: ['type'], registers: [this.registry] });
  readonly projectionEventsApplied = new Counter({
    name: 'projection_events_applied_total',
    help: 'Events applied by each projection',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly projectionPosition = new Gauge({
    name: 'projection_position',
    help: "Each projection's checkpoint as a log order key",
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly projectionLagEvents = new Gauge({
    name: 'projection_lag_events',
    help: 'Events in the log not yet applied by each projection (sampled)',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly projectionLagSeconds = new Gauge({
    name: 'projection_lag_seconds',
    help: 'Age of the oldest event not yet applied by each projection (0 when caught up)',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly timersDue = new Gauge({ name: 'timers_due', help: 'Step timers that are due and not yet fired', registers: [this.registry] });
  readonly timersFired = new Counter({ name: 'timers_fired_total', help: 'Step timers fired', registers: [this.registry] });
  readonly timerLateness = new Histogram({
    name: 'timer_firing_lateness_seconds',
    help: 'How late a step timer fired after its due time',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly emailsDelivered = new Counter({ name: 'emails_delivered_total', help: 'Emails handed to a transport', labelNames: ['transport', 'outcome'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
