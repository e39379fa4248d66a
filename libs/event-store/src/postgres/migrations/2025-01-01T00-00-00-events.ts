import { Kysely, sql } from 'kysely';

/**
 * The log. Global order is (xid, position): `position` comes from a sequence and so can be
 * taken by a transaction that commits after a higher one was read; readers only look below
 * the oldest running transaction (pg_snapshot_xmin), where no such late commit can appear.
 * `data` and `metadata` are `json`, which keeps the exact text the hash chain covers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table es_streams (
      stream_id text primary key,
      revision bigint not null,
      head_hash text not null
    )`.execute(db);
  await sql`
    create table es_events (
      position bigint generated always as identity primary key,
      xid xid8 not null default pg_current_xact_id(),
      event_id uuid not null unique,
      stream_id text not null,
      revision bigint not null,
      type text not null,
      version integer not null,
      data json not null,
      metadata json not null,
      prev_hash text not null,
      hash text not null,
      recorded_at timestamptz not null default now(),
      unique (stream_id, revision)
    )`.execute(db);
  await sql`create index es_events_global_order on es_events (xid, position)`.execute(db);

  // One round trip per append: lock the stream row, check idempotency and the expected
  // revision, extend the hash chain, insert, move the head, wake subscribers.
  await sql`
    create function es_append(
      p_stream text, p_mode text, p_expected bigint,
      p_ids uuid[], p_types text[], p_versions integer[], p_data text[], p_metadata text[]
    ) returns table (first_revision bigint, last_revision bigint, last_position bigint, tx xid8, duplicate boolean)
    language plpgsql as $$
    declare
      v_rev bigint;
      v_hash text;
      v_n integer := cardinality(p_ids);
      v_revs bigint[] := '{}';
      v_prev text[] := '{}';
      v_hashes text[] := '{}';
      v_found integer;
      v_min bigint;
      v_max bigint;
      v_last bigint;
    begin
      if v_n = 0 then
        raise exception using errcode = 'ES400', message = 'nothing to append';
      end if;
      select s.revision, s.head_hash into v_rev, v_hash from es_streams s where s.stream_id = p_stream for update;
      if not found then
        if p_mode = 'stream_exists' or p_mode = 'exact' then
          raise exception using errcode = 'ES409', message = 'wrong expected version', detail = '-1';
        end if;
        insert into es_streams (stream_id, revision, head_hash) values (p_stream, -1, repeat('0', 64))
          on conflict (stream_id) do nothing;
        select s.revision, s.head_hash into v_rev, v_hash from es_streams s where s.stream_id = p_stream for update;
      end if;

      -- Idempotent retry: these exact ids are already at the head of this stream.
      select count(*), min(e.revision), max(e.revision) into v_found, v_min, v_max
        from es_events e where e.event_id = any(p_ids) and e.stream_id = p_stream;
      if v_found = v_n and v_max - v_min + 1 = v_n then
        select e.position into v_last from es_events e where e.stream_id = p_stream and e.revision = v_max;
        return query select v_min, v_max, v_last, (select e.xid from es_events e where e.position = v_last), true;
        return;
      elsif v_found > 0 or exists (select 1 from es_events e where e.event_id = any(p_ids)) then
        raise exception using errcode = 'ES422', message = 'event id already used by another event';
      end if;

      if (p_mode = 'exact' and v_rev <> p_expected)
         or (p_mode = 'no_stream' and v_rev <> -1)
         or (p_mode = 'stream_exists' and v_rev = -1) then
        raise exception using errcode = 'ES409', message = 'wrong expected version', detail = v_rev::text;
      end if;

      for i in 1 .. v_n loop
        v_rev := v_rev + 1;
        v_revs := v_revs || v_rev;
        v_prev := v_prev || v_hash;
        v_hash := encode(sha256(convert_to(
          v_hash || E'\n' || p_stream || E'\n' || v_rev::text || E'\n' || p_ids[i]::text || E'\n' ||
          p_types[i] || E'\n' || p_versions[i]::text || E'\n' || p_data[i] || E'\n' || p_metadata[i], 'UTF8')), 'hex');
        v_hashes := v_hashes || v_hash;
      end loop;

      insert into es_events (event_id, stream_id, revision, type, version, data, metadata, prev_hash, hash)
        select u.id, p_stream, u.rev, u.typ, u.ver, u.dat::json, u.met::json, u.prv, u.hsh
        from unnest(p_ids, v_revs, p_types, p_versions, p_data, p_metadata, v_prev, v_hashes)
          as u(id, rev, typ, ver, dat, met, prv, hsh)
        order by u.rev;
      update es_streams set revision = v_rev, head_hash = v_hash where stream_id = p_stream;
      select max(e.position) into v_last from es_events e where e.stream_id = p_stream and e.revision = v_rev;
      perform pg_notify('es_appended', '');
      return query select v_rev - v_n + 1, v_rev, v_last, pg_current_xact_id(), false;
    end
    $$`.execute(db);
}
