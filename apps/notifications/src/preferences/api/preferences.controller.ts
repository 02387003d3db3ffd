import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@petalpost/auth';
import { ApiErrors, createZodDto } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { PreferencesSchema } from '../domain/preferences';
import { PreferencesStore } from '../preferences.store';

class PreferencesBody extends createZodDto(PreferencesSchema) {}
class PreferencesView extends createZodDto(PreferencesSchema) {}

/** A person's say over what alerts them; everything they may see still reaches their view. */
@ApiTags('preferences')
@ApiErrors(401)
@Controller('me/preferences')
export class PreferencesController {
  constructor(private readonly store: PreferencesStore) {}

  @Get()
  @ApiOperation({ summary: 'Your notification preferences (defaults until you set them)' })
  @ZodResponse({ status: 200, type: PreferencesView })
  get(@CurrentPrincipal() principal: Principal) {
    return this.store.of(principal.sub);
  }

  @Put()
  @ApiOperation({ summary: 'Replace your notification preferences; connected clients apply them from the next notification' })
  @ApiErrors(400)
  @ZodResponse({ status: 200, type: PreferencesView })
  put(@Body() body: PreferencesBody, @CurrentPrincipal() principal: Principal) {
    return this.store.save(principal.sub, body);
  }
}
