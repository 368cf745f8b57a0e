package dev.sealbuild.prep.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sealbuild.formats.digest.Sha256;
import dev.sealbuild.lockfiles.cache.VendorCacheLayout;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheGcTest {
  @TempDir Path dir;

  private Sha256 put(CacheWriter cache, String text, Instant written) throws Exception {
    Sha256 digest = cache.put(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null, null, text);
    Files.setLastModifiedTime(cache.layout().blob(digest), FileTime.from(written));
    return digest;
  }

  @Test
  void deletesOnlyOldBlobsNoKeptLockNeedsAndTheirFacts() throws Exception {
    Instant now = Instant.parse("2026-12-02T20:00:00Z");
    CacheWriter cache = CacheWriter.open(new VendorCacheLayout(dir.resolve("cache")));
    Sha256 kept = put(cache, "kept", now.minusSeconds(86400));
    Sha256 old = put(cache, "old", now.minusSeconds(3600));
    Sha256 fresh = put(cache, "fresh", now.minusSeconds(60));
    Files.createDirectories(cache.layout().factsDir());
    Files.writeString(cache.layout().facts(old), "{}");
    Path writing = Files.writeString(cache.layout().tmpDir().resolve("put-1-00000000-0000-0000-0000-000000000000.part"), "partial");
    Path stray = Files.writeString(cache.layout().blobsDir().resolve("notes.txt"), "not a blob");

    CacheGc gc = new CacheGc(cache.layout(), Clock.fixed(now, ZoneOffset.UTC));
    CacheGc.Plan plan = gc.plan(Set.of(kept));
    assertEquals(1, plan.kept());
    assertEquals(List.of(new CacheGc.Unneeded(old, 3, false), new CacheGc.Unneeded(fresh, 5, true)).stream()
        .sorted(java.util.Comparator.comparing(CacheGc.Unneeded::digest)).toList(), plan.unneeded());
    assertEquals(List.of(new CacheGc.Unneeded(old, 3, false)), plan.deletable());

    assertEquals(1, gc.delete(plan));
    assertFalse(cache.contains(old));
    assertFalse(Files.exists(cache.layout().facts(old)), "its derived facts go with it");
    assertTrue(cache.contains(kept) && cache.contains(fresh));
    assertTrue(Files.exists(writing) && Files.exists(stray), "tmp/ and stray files are never gc's");
  }
}
