-- The team a silence belongs to (NULL: every team). A team's silence mutes only alerts of the
-- services that team owns, so a team's responder cannot mute another team's pages.
ALTER TABLE silences ADD COLUMN team TEXT;
