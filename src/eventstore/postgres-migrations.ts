/**
 * The PostgreSQL event store's schema, as ordered migrations: version n is `postgresMigrations[n - 1]`.
 * Each runs once, in a transaction, with `search_path` set to the store's schema, so every name
 * below lands in (and functions stay bound to) that schema. Append only: never edit a shipped entry.
 */
export const postgresMigrations: readonly string[] = [
  // 1. The log. data and metadata are TEXT, not jsonb: the hash chain covers the exact bytes.
  `
  CREATE TABLE events (
    position  bigint  PRIMARY KEY,
    id        text    NOT NULL UNIQUE,
    stream    text    NOT NULL,
    revision  integer NOT NULL,
    type      text    NOT NULL,
    data      text    NOT NULL,
    metadata  text    NOT NULL,
    prev_hash text    NOT NULL,
    hash      text    NOT NULL,
    UNIQUE (stream, revision)
  );
  `,

  // 2. The chain link, byte for byte the encoding of chain.ts computeChainHash. JavaScript counts
  //    a part's length in UTF-16 code units, so characters beyond the BMP count twice here too.
  //    plpgsql rather than nested SQL functions: those are not inlined here and cost 30x more.
  `
  CREATE FUNCTION latchkey_chain_hash(
    p_prev_hash text, p_position bigint, p_id text, p_stream text, p_revision integer, p_type text, p_data text, p_metadata text
  ) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
  DECLARE
    v_input text := p_prev_hash;
    v_part text;
  BEGIN
    FOREACH v_part IN ARRAY ARRAY[p_position::text, p_id, p_stream, p_revision::text, p_type, p_data, p_metadata] LOOP
      v_input := v_input || E'\\n' || (char_length(v_part) + CASE
        WHEN octet_length(v_part) = char_length(v_part) THEN 0
        ELSE char_length(regexp_replace(v_part, '[^\\U00010000-\\U0010FFFF]', '', 'g'))
      END) || ':' || v_part;
    END LOOP;
    RETURN encode(sha256(convert_to(v_input, 'UTF8')), 'hex');
  END
  $$;
  `,

  // 3. The one way in. The advisory lock is taken before the position is drawn and held until
  //    commit, so positions commit in order and a reader never skips one committed late.
  //    SQLSTATE LK001: wrong expected revision (DETAIL: the actual revision or no_stream).
  //    SQLSTATE LK002: an event id already stored elsewhere or differently (DETAIL: the id).
  `
  CREATE FUNCTION latchkey_confirm_idempotent_append(p_stream text, p_ids text[], p_types text[])
  RETURNS TABLE (next_revision integer, last_position bigint)
  LANGUAGE plpgsql STABLE
  SET search_path FROM CURRENT
  AS $$
  DECLARE
    v_first events;
    v_row events;
  BEGIN
    SELECT * INTO v_first FROM events WHERE id = p_ids[1];
    FOR i IN 1 .. cardinality(p_ids) LOOP
      SELECT * INTO v_row FROM events WHERE stream = p_stream AND revision = v_first.revision + i - 1;
      IF NOT FOUND OR v_row.id <> p_ids[i] OR v_row.type <> p_types[i] THEN
        RAISE EXCEPTION 'event % already exists and does not match the append to %', p_ids[i], p_stream
          USING ERRCODE = 'LK002', DETAIL = p_ids[i];
      END IF;
    END LOOP;
    RETURN QUERY SELECT v_row.revision, v_row.position;
  END
  $$;

  CREATE FUNCTION latchkey_check_expected_revision(p_stream text, p_expected text, p_current integer) RETURNS void
  LANGUAGE plpgsql IMMUTABLE
  AS $$
  BEGIN
    IF p_expected = 'any'
      OR (p_expected = 'no_stream' AND p_current IS NULL)
      OR (p_expected = 'exists' AND p_current IS NOT NULL)
      OR p_expected = p_current::text THEN
      RETURN;
    END IF;
    RAISE EXCEPTION 'stream %: expected revision %, found %', p_stream, p_expected, coalesce(p_current::text, 'no_stream')
      USING ERRCODE = 'LK001', DETAIL = coalesce(p_current::text, 'no_stream');
  END
  $$;

  CREATE FUNCTION latchkey_append(
    p_stream text, p_expected text, p_ids text[], p_types text[], p_data text[], p_metadata text[]
  ) RETURNS TABLE (next_revision integer, last_position bigint)
  LANGUAGE plpgsql VOLATILE
  SET search_path FROM CURRENT
  AS $$
  DECLARE
    v_current integer;
    v_duplicate text;
    v_position bigint;
    v_prev_hash text;
    v_hash text;
    v_revision integer;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('latchkey:append:' || current_schema(), 0));
    IF cardinality(p_ids) > 0 AND EXISTS (SELECT 1 FROM events WHERE id = p_ids[1]) THEN
      RETURN QUERY SELECT * FROM latchkey_confirm_idempotent_append(p_stream, p_ids, p_types);
      RETURN;
    END IF;
    SELECT max(revision) INTO v_current FROM events WHERE stream = p_stream;
    PERFORM latchkey_check_expected_revision(p_stream, p_expected, v_current);
    -- Not "id = ANY (p_ids)": its generic plan may scan the whole table.
    SELECT u.id INTO v_duplicate FROM unnest(p_ids) AS u (id) WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = u.id) LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'event % already exists and does not match the append to %', v_duplicate, p_stream
        USING ERRCODE = 'LK002', DETAIL = v_duplicate;
    END IF;
    SELECT position, hash INTO v_position, v_prev_hash FROM events ORDER BY position DESC LIMIT 1;
    v_position := coalesce(v_position, 0);
    v_prev_hash := coalesce(v_prev_hash, '');
    v_revision := coalesce(v_current, -1);
    FOR i IN 1 .. cardinality(p_ids) LOOP
      v_position := v_position + 1;
      v_revision := v_revision + 1;
      v_hash := latchkey_chain_hash(v_prev_hash, v_position, p_ids[i], p_stream, v_revision, p_types[i], p_data[i], p_metadata[i]);
      INSERT INTO events (position, id, stream, revision, type, data, metadata, prev_hash, hash)
      VALUES (v_position, p_ids[i], p_stream, v_revision, p_types[i], p_data[i], p_metadata[i], v_prev_hash, v_hash);
      v_prev_hash := v_hash;
    END LOOP;
    IF cardinality(p_ids) > 0 THEN
      PERFORM pg_notify('latchkey_events_appended', current_schema());
    END IF;
    RETURN QUERY SELECT v_revision, v_position;
  END
  $$;
  `,

  // 4. Copied links, a page per call (`store copy`): the same lock as latchkey_append, then every
  //    link checked against the chain (position, previous-hash, recomputed hash), its stream's
  //    revisions and the stored ids, and one set-based INSERT. SQLSTATE LK003: a link that does
  //    not continue the chain (DETAIL: its position); LK004: a link that does not carry its
  //    stream's next revision (DETAIL: JSON {index: 1-based in the page, before: the stream's
  //    revision before it, -1 for none}); LK002 as in latchkey_append.
  `
  CREATE FUNCTION latchkey_append_links(
    p_positions bigint[], p_ids text[], p_streams text[], p_revisions integer[], p_types text[],
    p_data text[], p_metadata text[], p_prev_hashes text[], p_hashes text[]
  ) RETURNS void
  LANGUAGE plpgsql VOLATILE
  SET search_path FROM CURRENT
  AS $$
  DECLARE
    v_position bigint;
    v_prev_hash text;
    v_index integer;
    v_before integer;
    v_duplicate text;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('latchkey:append:' || current_schema(), 0));
    SELECT position, hash INTO v_position, v_prev_hash FROM events ORDER BY position DESC LIMIT 1;
    v_position := coalesce(v_position, 0);
    v_prev_hash := coalesce(v_prev_hash, '');
    FOR i IN 1 .. coalesce(cardinality(p_positions), 0) LOOP
      IF p_positions[i] <> v_position + i THEN
        RAISE EXCEPTION 'is not the next position of this store (%)', v_position + i
          USING ERRCODE = 'LK003', DETAIL = p_positions[i]::text;
      END IF;
      IF p_prev_hashes[i] <> v_prev_hash THEN
        RAISE EXCEPTION 'does not name the link before it as its previous-hash'
          USING ERRCODE = 'LK003', DETAIL = p_positions[i]::text;
      END IF;
      IF latchkey_chain_hash(v_prev_hash, p_positions[i], p_ids[i], p_streams[i], p_revisions[i], p_types[i], p_data[i], p_metadata[i]) <> p_hashes[i] THEN
        RAISE EXCEPTION 'does not match its hash' USING ERRCODE = 'LK003', DETAIL = p_positions[i]::text;
      END IF;
      v_prev_hash := p_hashes[i];
    END LOOP;
    SELECT l.ord::integer, l.before INTO v_index, v_before FROM (
      SELECT u.revision, u.ord,
        coalesce((SELECT max(e.revision) FROM events e WHERE e.stream = u.stream), -1)
          + row_number() OVER (PARTITION BY u.stream ORDER BY u.ord) - 1 AS before
      FROM unnest(p_streams, p_revisions) WITH ORDINALITY AS u (stream, revision, ord)
    ) l WHERE l.revision <> l.before + 1 ORDER BY l.ord LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'the link at position % does not carry its stream''s next revision', p_positions[v_index]
        USING ERRCODE = 'LK004', DETAIL = json_build_object('index', v_index, 'before', v_before)::text;
    END IF;
    SELECT u.id INTO v_duplicate FROM unnest(p_ids) AS u (id) WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = u.id) LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'event % already exists', v_duplicate USING ERRCODE = 'LK002', DETAIL = v_duplicate;
    END IF;
    INSERT INTO events (position, id, stream, revision, type, data, metadata, prev_hash, hash)
    SELECT * FROM unnest(p_positions, p_ids, p_streams, p_revisions, p_types, p_data, p_metadata, p_prev_hashes, p_hashes);
    IF cardinality(p_positions) > 0 THEN
      PERFORM pg_notify('latchkey_events_appended', current_schema());
    END IF;
  END
  $$;
  `,

  // 5. No append onto a broken chain: both ways in first recompute the stored head's link and
  //    check that it names the link before it, so an end of the log that was changed or damaged
  //    is never sealed under new links. SQLSTATE LK005: the head does not verify (DETAIL: its
  //    position; MESSAGE: what is wrong). Called with the append lock held.
  `
  CREATE FUNCTION latchkey_verify_head() RETURNS void
  LANGUAGE plpgsql STABLE
  SET search_path FROM CURRENT
  AS $$
  DECLARE
    v_head events;
    v_before events;
  BEGIN
    SELECT * INTO v_head FROM events ORDER BY position DESC LIMIT 1;
    IF NOT FOUND THEN
      RETURN;
    END IF;
    SELECT * INTO v_before FROM events WHERE position < v_head.position ORDER BY position DESC LIMIT 1;
    IF v_head.prev_hash <> coalesce(v_before.hash, '') THEN
      RAISE EXCEPTION 'its previous-hash does not match the event before it'
        USING ERRCODE = 'LK005', DETAIL = v_head.position::text;
    END IF;
    IF latchkey_chain_hash(v_head.prev_hash, v_head.position, v_head.id, v_head.stream, v_head.revision, v_head.type, v_head.data, v_head.metadata) <> v_head.hash THEN
      RAISE EXCEPTION 'its content does not match its hash'
        USING ERRCODE = 'LK005', DETAIL = v_head.position::text;
    END IF;
  END
  $$;

  CREATE OR REPLACE FUNCTION latchkey_append(
    p_stream text, p_expected text, p_ids text[], p_types text[], p_data text[], p_metadata text[]
  ) RETURNS TABLE (next_revision integer, last_position bigint)
  LANGUAGE plpgsql VOLATILE
  SET search_path FROM CURRENT
  AS $$
  DECLARE
    v_current integer;
    v_duplicate text;
    v_position bigint;
    v_prev_hash text;
    v_hash text;
    v_revision integer;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('latchkey:append:' || current_schema(), 0));
    IF cardinality(p_ids) > 0 AND EXISTS (SELECT 1 FROM events WHERE id = p_ids[1]) THEN
      RETURN QUERY SELECT * FROM latchkey_confirm_idempotent_append(p_stream, p_ids, p_types);
      RETURN;
    END IF;
    SELECT max(revision) INTO v_current FROM events WHERE stream = p_stream;
    PERFORM latchkey_check_expected_revision(p_stream, p_expected, v_current);
    -- Not "id = ANY (p_ids)": its generic plan may scan the whole table.
    SELECT u.id INTO v_duplicate FROM unnest(p_ids) AS u (id) WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = u.id) LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'event % already exists and does not match the append to %', v_duplicate, p_stream
        USING ERRCODE = 'LK002', DETAIL = v_duplicate;
    END IF;
    PERFORM latchkey_verify_head();
    SELECT position, hash INTO v_position, v_prev_hash FROM events ORDER BY position DESC LIMIT 1;
    v_position := coalesce(v_position, 0);
    v_prev_hash := coalesce(v_prev_hash, '');
    v_revision := coalesce(v_current, -1);
    FOR i IN 1 .. cardinality(p_ids) LOOP
      v_position := v_position + 1;
      v_revision := v_revision + 1;
      v_hash := latchkey_chain_hash(v_prev_hash, v_position, p_ids[i], p_stream, v_revision, p_types[i], p_data[i], p_metadata[i]);
      INSERT INTO events (position, id, stream, revision, type, data, metadata, prev_hash, hash)
      VALUES (v_position, p_ids[i], p_stream, v_revision, p_types[i], p_data[i], p_metadata[i], v_prev_hash, v_hash);
      v_prev_hash := v_hash;
    END LOOP;
    IF cardinality(p_ids) > 0 THEN
      PERFORM pg_notify('latchkey_events_appended', current_schema());
    END IF;
    RETURN QUERY SELECT v_revision, v_position;
  END
  $$;

  CREATE OR REPLACE FUNCTION latchkey_append_links(
    p_positions bigint[], p_ids text[], p_streams text[], p_revisions integer[], p_types text[],
    p_data text[], p_metadata text[], p_prev_hashes text[], p_hashes text[]
  ) RETURNS void
  LANGUAGE plpgsql VOLATILE
  SET search_path FROM CURRENT
  AS $$
  DECLARE
    v_position bigint;
    v_prev_hash text;
    v_index integer;
    v_before integer;
    v_duplicate text;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('latchkey:append:' || current_schema(), 0));
    PERFORM latchkey_verify_head();
    SELECT position, hash INTO v_position, v_prev_hash FROM events ORDER BY position DESC LIMIT 1;
    v_position := coalesce(v_position, 0);
    v_prev_hash := coalesce(v_prev_hash, '');
    FOR i IN 1 .. coalesce(cardinality(p_positions), 0) LOOP
      IF p_positions[i] <> v_position + i THEN
        RAISE EXCEPTION 'is not the next position of this store (%)', v_position + i
          USING ERRCODE = 'LK003', DETAIL = p_positions[i]::text;
      END IF;
      IF p_prev_hashes[i] <> v_prev_hash THEN
        RAISE EXCEPTION 'does not name the link before it as its previous-hash'
          USING ERRCODE = 'LK003', DETAIL = p_positions[i]::text;
      END IF;
      IF latchkey_chain_hash(v_prev_hash, p_positions[i], p_ids[i], p_streams[i], p_revisions[i], p_types[i], p_data[i], p_metadata[i]) <> p_hashes[i] THEN
        RAISE EXCEPTION 'does not match its hash' USING ERRCODE = 'LK003', DETAIL = p_positions[i]::text;
      END IF;
      v_prev_hash := p_hashes[i];
    END LOOP;
    SELECT l.ord::integer, l.before INTO v_index, v_before FROM (
      SELECT u.revision, u.ord,
        coalesce((SELECT max(e.revision) FROM events e WHERE e.stream = u.stream), -1)
          + row_number() OVER (PARTITION BY u.stream ORDER BY u.ord) - 1 AS before
      FROM unnest(p_streams, p_revisions) WITH ORDINALITY AS u (stream, revision, ord)
    ) l WHERE l.revision <> l.before + 1 ORDER BY l.ord LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'the link at position % does not carry its stream''s next revision', p_positions[v_index]
        USING ERRCODE = 'LK004', DETAIL = json_build_object('index', v_index, 'before', v_before)::text;
    END IF;
    SELECT u.id INTO v_duplicate FROM unnest(p_ids) AS u (id) WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = u.id) LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'event % already exists', v_duplicate USING ERRCODE = 'LK002', DETAIL = v_duplicate;
    END IF;
    INSERT INTO events (position, id, stream, revision, type, data, metadata, prev_hash, hash)
    SELECT * FROM unnest(p_positions, p_ids, p_streams, p_revisions, p_types, p_data, p_metadata, p_prev_hashes, p_hashes);
    IF cardinality(p_positions) > 0 THEN
      PERFORM pg_notify('latchkey_events_appended', current_schema());
    END IF;
  END
  $$;
  `,
];
