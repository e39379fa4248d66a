import { Kysely, sql } from 'kysely';

/**
 * The log. Global order is (xid, position): `position` comes from a sequence and so can be
 * taken by a transaction that commits after a higher one was read. Readers only look below a
 * horizon no appending transaction can still write under: every es_append holds a shared
 * advisory lock until its transaction ends, and es_horizon() is the smallest xid among those
 * holders (or the next xid when there are none). Transactions that append nothing never hold
 * the horizon back, wherever they run on the server.
 * `data` and `metadata` are `json`, which keeps the exact text the hash chain covers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table es_events (
      event_id uuid primary key,
      position bigint generated always as identity,
      xid xid8 not null default pg_current_xact_id(),
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
  // Three indexes, each earning its keep: ids (idempotency, uniqueness), streams, global order.
  // Nothing looks an event up by its position alone, so position has no index of its own.
  await sql`create unique index es_events_global_order on es_events (xid, position)`.execute(db);

  // One round trip per append. The stream's head is its last row; the unique index on
  // (stream_id, revision) is the concurrency control: of two appenders that read the same
  // head, one insert fails and the adapter turns that into a WrongExpectedVersion (or, for
  // "any", a retry). Idempotent retries surface as a unique violation on event_id (or as a
  // version conflict) and are recognised by the adapter. The hash chain is extended here,
  // under the same guarantee, so chains can never fork.
  await sql`
    create function es_append(
      p_stream text, p_mode text, p_expected bigint,
      p_ids uuid[], p_types text[], p_versions integer[], p_data text[], p_metadata text[],
      out first_revision bigint, out last_revision bigint, out last_position bigint, out tx xid8)
    language plpgsql as $$
    declare
      v_rev bigint;
      v_hash text;
      v_n integer := cardinality(p_ids);
      v_revs bigint[];
      v_prev text[];
      v_hashes text[];
    begin
      if v_n is null or v_n = 0 then
        raise exception using errcode = 'ES400', message = 'nothing to append';
      end if;
      -- The horizon relies on appenders getting their xid after taking this lock.
      if pg_current_xact_id_if_assigned() is not null then
        raise exception using errcode = 'ES400', message = 'es_append must be the first write of its transaction';
      end if;
      perform pg_advisory_xact_lock_shared(7746310001);
      select e.revision, e.hash into v_rev, v_hash from es_events e where e.stream_id = p_stream order by e.revision desc limit 1;
      if not found then
        v_rev := -1;
        v_hash := repeat('0', 64);
      end if;
      if (p_mode = 'exact' and v_rev <> p_expected)
         or (p_mode = 'no_stream' and v_rev <> -1)
         or (p_mode = 'stream_exists' and v_rev = -1) then
        raise exception using errcode = 'ES409', message = 'wrong expected version', detail = v_rev::text;
      end if;
      first_revision := v_rev + 1;
      tx := pg_current_xact_id();
      if v_n = 1 then
        last_revision := v_rev + 1;
        insert into es_events (event_id, stream_id, revision, type, version, data, metadata, prev_hash, hash)
          values (p_ids[1], p_stream, last_revision, p_types[1], p_versions[1], p_data[1]::json, p_metadata[1]::json, v_hash,
            encode(sha256(convert_to(
              v_hash || E'\n' || p_stream || E'\n' || last_revision::text || E'\n' || p_ids[1]::text || E'\n' ||
              p_types[1] || E'\n' || p_versions[1]::text || E'\n' || p_data[1] || E'\n' || p_metadata[1], 'UTF8')), 'hex'))
          returning position into last_position;
        return;
      end if;
      for i in 1 .. v_n loop
        v_rev := v_rev + 1;
        v_revs[i] := v_rev;
        v_prev[i] := v_hash;
        v_hash := encode(sha256(convert_to(
          v_hash || E'\n' || p_stream || E'\n' || v_rev::text || E'\n' || p_ids[i]::text || E'\n' ||
          p_types[i] || E'\n' || p_versions[i]::text || E'\n' || p_data[i] || E'\n' || p_metadata[i], 'UTF8')), 'hex');
        v_hashes[i] := v_hash;
      end loop;
      last_revision := v_rev;
      with inserted as (
        insert into es_events (event_id, stream_id, revision, type, version, data, metadata, prev_hash, hash)
          select u.id, p_stream, u.rev, u.typ, u.ver, u.dat::json, u.met::json, u.prv, u.hsh
          from unnest(p_ids, v_revs, p_types, p_versions, p_data, p_metadata, v_prev, v_hashes)
            as u(id, rev, typ, ver, dat, met, prv, hsh)
          order by u.rev
          returning position
      ) select max(position) into last_position from inserted;
    end
    $$`.execute(db);

  // The same append for one event, with scalar parameters: most appends carry one event, and
  // array literals of JSON cost a quarter of an append to serialise and to parse back.
  await sql`
    create function es_append_one(
      p_stream text, p_mode text, p_expected bigint,
      p_id uuid, p_type text, p_version integer, p_data text, p_metadata text,
      out first_revision bigint, out last_revision bigint, out last_position bigint, out tx xid8)
    language plpgsql as $$
    declare
      v_actual bigint;
    begin
      if pg_current_xact_id_if_assigned() is not null then
        raise exception using errcode = 'ES400', message = 'es_append must be the first write of its transaction';
      end if;
      perform pg_advisory_xact_lock_shared(7746310001);
      -- Head, expected-revision check and insert in one statement.
      insert into es_events (event_id, stream_id, revision, type, version, data, metadata, prev_hash, hash)
        select p_id, p_stream, head.rev + 1, p_type, p_version, p_data::json, p_metadata::json, head.hash,
          encode(sha256(convert_to(
            head.hash || E'\n' || p_stream || E'\n' || (head.rev + 1)::text || E'\n' || p_id::text || E'\n' ||
            p_type || E'\n' || p_version::text || E'\n' || p_data || E'\n' || p_metadata, 'UTF8')), 'hex')
        from (
          select coalesce(max(e.revision), -1) as rev,
                 coalesce((array_agg(e.hash order by e.revision desc))[1], repeat('0', 64)) as hash
          from (select revision, hash from es_events where stream_id = p_stream order by revision desc limit 1) e
        ) head
        where (p_mode = 'any')
           or (p_mode = 'exact' and head.rev = p_expected)
           or (p_mode = 'no_stream' and head.rev = -1)
           or (p_mode = 'stream_exists' and head.rev >= 0)
        returning revision, position into last_revision, last_position;
      if not found then
        select coalesce(max(e.revision), -1) into v_actual from es_events e where e.stream_id = p_stream;
        raise exception using errcode = 'ES409', message = 'wrong expected version', detail = v_actual::text;
      end if;
      first_revision := last_revision;
      tx := pg_current_xact_id();
    end
    $$`.execute(db);

  // The read horizon. Order matters: the snapshot's xmax is taken first, and every xid
  // assigned later is at or above it, so a holder whose xid was not yet assigned when we looked
  // cannot write under it. pg_stat_activity shows 32-bit xids: they are widened to xid8 with
  // the epoch of xmax, choosing the nearest (a running xid can be a little above xmax).
  await sql`
    create function es_horizon() returns xid8 language plpgsql stable as $$
    declare
      v_next xid8 := pg_snapshot_xmax(pg_current_snapshot());
      v_next_num numeric := v_next::text::numeric;
      v_base numeric := floor(v_next_num / 4294967296) * 4294967296;
      v_min numeric;
    begin
      select min(case
                   when full_xid > v_next_num + 2147483648 then full_xid - 4294967296
                   when full_xid < v_next_num - 2147483648 then full_xid + 4294967296
                   else full_xid end) into v_min
      from (
        select v_base + a.backend_xid::text::numeric as full_xid
        from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.classid = 1 and l.objid = 3451342705 and l.objsubid = 1 and l.granted
          and a.backend_xid is not null
      ) holders;
      if v_min is null or v_min >= v_next_num then
        return v_next;
      end if;
      return v_min::text::xid8;
    end
    $$`.execute(db);
}
