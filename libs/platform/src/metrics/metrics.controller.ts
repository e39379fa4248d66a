import { PublicRoute } from '../http/public-route';
import { Controller, Get, Header } from '@nestjs/common';
import { MetricsService } from './metrics.service';

@PublicRoute()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
