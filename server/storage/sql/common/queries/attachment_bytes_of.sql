-- A file the user uploaded to several rooms is stored once, so it counts once.
SELECT COALESCE(SUM(size), 0) FROM (
    SELECT id, MAX(size) AS size FROM attachments
    WHERE uploader_id = :uploader_id AND id <> :besides
    GROUP BY id
) AS files
