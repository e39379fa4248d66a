import { Reactor } from '@app/projections';
import { deliveryJobOf } from '../delivery/delivery-job';
import { forEachLimited } from '../shared/concurrency';
import { ReactorDependencies } from './reactor-support';

/**
 * EmailQueued: one message on the delivery work queue, its id the email id, so the same
 * email published again (this batch handled twice after a crash) is dropped by the queue.
 * The checkpoint moves only after every publish of the batch was acknowledged by the broker.
 */
export function deliveryDispatchReactor(deps: Pick<ReactorDependencies, 'queue'>): Reactor {
  const { queue } = deps;
  return {
    name: 'delivery_dispatch',
    handles: ['EmailQueued'],
    async handle(events) {
      await forEachLimited(events, 16, async (event) => {
        if (event.type !== 'EmailQueued') return;
        const job = deliveryJobOf(event.data);
        await queue.publish(job.id, job.payload);
      });
    },
  };
}
