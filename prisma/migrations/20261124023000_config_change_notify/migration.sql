-- Every change to what the gateway caches (grants, servers, policies and their versions, the
-- tool inventory, organization settings) is announced on the channel `toolgate_config`, so
-- that every replica drops its cached copy before the next request (LISTEN/NOTIFY needs no
-- extra service). Triggers, not application code, so no write path can forget it.
CREATE OR REPLACE FUNCTION toolgate_notify_config() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('toolgate_config', TG_TABLE_NAME || ':' || COALESCE(NEW."id", OLD."id"));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Grant_notify_config" AFTER INSERT OR UPDATE OR DELETE ON "Grant"
  FOR EACH ROW EXECUTE FUNCTION toolgate_notify_config();
CREATE TRIGGER "Server_notify_config" AFTER INSERT OR UPDATE OR DELETE ON "Server"
  FOR EACH ROW EXECUTE FUNCTION toolgate_notify_config();
CREATE TRIGGER "Policy_notify_config" AFTER INSERT OR UPDATE OR DELETE ON "Policy"
  FOR EACH ROW EXECUTE FUNCTION toolgate_notify_config();
CREATE TRIGGER "PolicyVersion_notify_config" AFTER INSERT OR UPDATE OR DELETE ON "PolicyVersion"
  FOR EACH ROW EXECUTE FUNCTION toolgate_notify_config();
CREATE TRIGGER "Tool_notify_config" AFTER INSERT OR UPDATE OR DELETE ON "Tool"
  FOR EACH ROW EXECUTE FUNCTION toolgate_notify_config();
CREATE TRIGGER "Organization_notify_config" AFTER UPDATE ON "Organization"
  FOR EACH ROW EXECUTE FUNCTION toolgate_notify_config();
