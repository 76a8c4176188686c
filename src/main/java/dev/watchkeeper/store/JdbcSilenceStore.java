package dev.watchkeeper.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.watchkeeper.mute.Matcher;
import dev.watchkeeper.mute.Silence;
import dev.watchkeeper.mute.SilenceStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link SilenceStore} on SQLite or PostgreSQL. Matchers are a JSON array of
 * {@code {"name","value","isRegex","isEqual"}} (the Alertmanager field names), times epoch millis.
 */
public final class JdbcSilenceStore implements SilenceStore {
  private static final String COLUMNS =
      "id, matchers, starts_at, ends_at, created_by, comment, updated_at, expire_when_resolved, team";

  private final DataSource ds;
  private final ObjectMapper mapper;

  public JdbcSilenceStore(Database db, ObjectMapper mapper) {
    this.ds = db.dataSource();
    this.mapper = mapper;
  }

  @Override
  public void insert(Silence s) {
    String sql = "INSERT INTO silences (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, s.id());
      ps.setString(2, matchersJson(s.matchers()));
      ps.setLong(3, s.startsAt().toEpochMilli());
      ps.setLong(4, s.endsAt().toEpochMilli());
      ps.setString(5, s.createdBy());
      ps.setString(6, s.comment());
      ps.setLong(7, s.updatedAt().toEpochMilli());
      ps.setInt(8, s.expireWhenResolved() ? 1 : 0);
      ps.setString(9, s.team());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("storing silence " + s.id() + " failed", e);
    }
  }

  @Override
  public boolean replace(Silence s, Instant expectedUpdatedAt) {
    String sql = "UPDATE silences SET matchers = ?, starts_at = ?, ends_at = ?, created_by = ?,"
        + " comment = ?, updated_at = ?, expire_when_resolved = ?, team = ?"
        + " WHERE id = ? AND updated_at = ?";
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, matchersJson(s.matchers()));
      ps.setLong(2, s.startsAt().toEpochMilli());
      ps.setLong(3, s.endsAt().toEpochMilli());
      ps.setString(4, s.createdBy());
      ps.setString(5, s.comment());
      ps.setLong(6, s.updatedAt().toEpochMilli());
      ps.setInt(7, s.expireWhenResolved() ? 1 : 0);
      ps.setString(8, s.team());
      ps.setString(9, s.id());
      ps.setLong(10, expectedUpdatedAt.toEpochMilli());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("updating silence " + s.id() + " failed", e);
    }
  }

  @Override
  public Optional<Silence> find(String id) {
    List<Silence> found = query("SELECT " + COLUMNS + " FROM silences WHERE id = ?", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  @Override
  public List<Silence> all() {
    return query("SELECT " + COLUMNS + " FROM silences", null);
  }

  @Override
  public List<Silence> activeAt(Instant now) {
    return query("SELECT " + COLUMNS + " FROM silences WHERE ends_at > ? AND starts_at <= ?",
        now.toEpochMilli());
  }

  private List<Silence> query(String sql, Object arg) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (arg instanceof String s) {
        ps.setString(1, s);
      } else if (arg instanceof Long l) {
        ps.setLong(1, l);
        ps.setLong(2, l);
      }
      List<Silence> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Silence(rs.getString(1), matchers(rs.getString(2)),
              Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)),
              rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)),
              rs.getInt(8) != 0, rs.getString(9)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("reading silences failed", e);
    }
  }

  private String matchersJson(List<Matcher> matchers) {
    List<Map<String, Object>> out = new ArrayList<>(matchers.size());
    for (Matcher m : matchers) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", m.name());
      j.put("value", m.value());
      j.put("isRegex", m.isRegex());
      j.put("isEqual", m.isEqual());
      out.add(j);
    }
    try {
      return mapper.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new StoreException("matchers cannot be written as JSON", e);
    }
  }

  private List<Matcher> matchers(String json) {
    try {
      List<Matcher> out = new ArrayList<>();
      for (JsonNode n : mapper.readTree(json)) {
        out.add(Matcher.of(n.path("name").asText(), n.path("value").asText(),
            n.path("isRegex").asBoolean(false), n.path("isEqual").asBoolean(true)));
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new StoreException("stored matchers are not valid JSON", e);
    }
  }
}
